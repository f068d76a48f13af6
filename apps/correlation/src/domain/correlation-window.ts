import type { Arrival, GenerationArrival, RetrievalArrival } from './arrival';
import {
  buildCorrelation,
  generationsForRetrieval,
  retrievalsForGeneration,
  type Correlation,
  type JoinContext,
} from './correlate';
import {
  MAX_STORED_CONTENT_BYTES,
  orgKey,
  type ContentRecord,
  type GenerationRecord,
  type RetrievalRecord,
  type WindowSettings,
} from './model';

/** The stored rows a batch can touch (see `lookup.ts`), and the clocks of its partitions. */
export interface LoadedState {
  retrievals: readonly RetrievalRecord[];
  generations: readonly GenerationRecord[];
  content: readonly ContentRecord[];
  /** Partition → epoch milliseconds: the latest event time applied on it. */
  clocks: ReadonlyMap<number, number>;
}

/** What a batch changed, to be written in the transaction that stores its offsets. */
export interface StateChanges {
  newRetrievals: RetrievalRecord[];
  newGenerations: GenerationRecord[];
  /** Stored retrievals that joined a generation by ids for the first time. */
  retrievalsMatchedById: RetrievalRecord[];
  /** Stored generations that joined further retrievals. */
  updatedGenerations: GenerationRecord[];
  /** Content that is now the latest for its vector. */
  content: ContentRecord[];
  clocks: Map<number, number>;
}

/** Arrivals that changed nothing but the content store and the clock. */
export interface Ignored {
  /** Its event id is already in the window: a redelivery. */
  duplicate: number;
  /** Older than its partition's clock allows (window + grace): its counterparts may be gone. */
  late: number;
  /** A retrieval with neither parentQueryId nor traceId: only its content is kept. */
  retrievalWithoutAnchor: number;
}

class Index<TRecord> {
  private readonly entries = new Map<string, TRecord[]>();

  add(key: string, record: TRecord): void {
    const list = this.entries.get(key);
    if (list) list.push(record);
    else this.entries.set(key, [record]);
  }

  get(key: string): readonly TRecord[] {
    return this.entries.get(key) ?? [];
  }
}

/**
 * The correlation state of one batch, in memory: the stored rows its events can reach plus the
 * events applied so far, so that events of one batch also join each other. Events are applied one
 * at a time in partition order, each against the partition clock as it stands at that event, so
 * the outcome does not depend on how the stream was cut into batches — which is what makes a
 * redelivery or a replay after a crash reach the same correlations with the same ids.
 */
export class CorrelationWindow {
  private readonly retrievals = new Map<string, RetrievalRecord>();
  private readonly generations = new Map<string, GenerationRecord>();
  private readonly retrievalsByAnchor = new Index<RetrievalRecord>();
  private readonly retrievalsByTrace = new Index<RetrievalRecord>();
  private readonly generationsByAnchor = new Index<GenerationRecord>();
  private readonly generationsByTrace = new Index<GenerationRecord>();
  private readonly content = new Map<string, ContentRecord>();
  private readonly clocks: Map<number, number>;
  private readonly addedRetrievals = new Set<string>();
  private readonly addedGenerations = new Set<string>();
  private readonly changedRetrievals = new Set<string>();
  private readonly changedGenerations = new Set<string>();
  private readonly changedContent = new Set<string>();
  private readonly changedClocks = new Set<number>();
  readonly ignored: Ignored = { duplicate: 0, late: 0, retrievalWithoutAnchor: 0 };

  constructor(
    private readonly settings: WindowSettings,
    loaded: LoadedState,
  ) {
    for (const retrieval of loaded.retrievals) this.indexRetrieval({ ...retrieval });
    for (const generation of loaded.generations) this.indexGeneration({ ...generation });
    for (const content of loaded.content) this.content.set(this.contentKey(content), content);
    this.clocks = new Map(loaded.clocks);
  }

  /** Applies one event and returns the correlations its arrival completes. */
  apply(arrival: Arrival): Correlation[] {
    const context = this.advanceClock(arrival);
    if (arrival.kind === 'retrieval') {
      this.observeContent(arrival.retrieval);
      return this.applyRetrieval(arrival, context);
    }
    return this.applyGeneration(arrival, context);
  }

  changes(): StateChanges {
    const pick = <TRecord>(map: Map<string, TRecord>, keys: Iterable<string>) =>
      [...keys].map((key) => map.get(key)).filter((record): record is TRecord => record !== undefined);
    // A row added by this batch is inserted in its final state, so later changes to it need no update.
    const stored = (added: Set<string>) => (key: string) => !added.has(key);
    return {
      newRetrievals: pick(this.retrievals, this.addedRetrievals),
      newGenerations: pick(this.generations, this.addedGenerations),
      retrievalsMatchedById: pick(this.retrievals, [...this.changedRetrievals].filter(stored(this.addedRetrievals))),
      updatedGenerations: pick(this.generations, [...this.changedGenerations].filter(stored(this.addedGenerations))),
      content: pick(this.content, this.changedContent),
      clocks: new Map([...this.changedClocks].map((partition) => [partition, this.clocks.get(partition)!])),
    };
  }

  private advanceClock(arrival: Arrival): JoinContext {
    const clock = Math.max(this.clocks.get(arrival.partition) ?? arrival.eventTime, arrival.eventTime);
    if (clock !== this.clocks.get(arrival.partition)) {
      this.clocks.set(arrival.partition, clock);
      this.changedClocks.add(arrival.partition);
    }
    const { windowMs, graceMs } = this.settings;
    return { windowMs, horizon: clock - windowMs - graceMs };
  }

  private applyRetrieval({ retrieval: arriving }: RetrievalArrival, context: JoinContext): Correlation[] {
    const key = orgKey(arriving.orgId, arriving.eventId);
    if (this.retrievals.has(key)) return this.ignore('duplicate');
    if (arriving.timestamp < context.horizon) return this.ignore('late');
    if (arriving.parentQueryId === undefined && arriving.traceId === undefined) {
      return this.ignore('retrievalWithoutAnchor');
    }
    const retrieval = { ...arriving };
    const { orgId, parentQueryId, traceId } = retrieval;
    const candidates = [
      ...(parentQueryId === undefined ? [] : this.generationsByAnchor.get(orgKey(orgId, parentQueryId))),
      ...(traceId === undefined ? [] : this.generationsByTrace.get(orgKey(orgId, traceId))),
    ];
    const { byId, byTrace } = generationsForRetrieval(retrieval, candidates, context);
    retrieval.matchedById = byId.length > 0;
    this.indexRetrieval(retrieval);
    this.addedRetrievals.add(key);

    const correlations: Correlation[] = [];
    for (const generation of [...byId, ...byTrace]) {
      generation.retrievalEventIds = [...generation.retrievalEventIds, retrieval.eventId].sort();
      if (byId.includes(generation)) generation.matchedById = true;
      this.changedGenerations.add(orgKey(orgId, generation.eventId));
      correlations.push(this.correlationOf(generation, retrieval.eventId));
    }
    return correlations;
  }

  private applyGeneration({ generation: arriving }: GenerationArrival, context: JoinContext): Correlation[] {
    const key = orgKey(arriving.orgId, arriving.eventId);
    if (this.generations.has(key)) return this.ignore('duplicate');
    if (arriving.timestamp < context.horizon) return this.ignore('late');
    const generation = { ...arriving };
    const { orgId, runId, parentRunId, traceId } = generation;
    const candidates = [
      ...(runId === undefined ? [] : this.retrievalsByAnchor.get(orgKey(orgId, runId))),
      ...(parentRunId === undefined || parentRunId === runId
        ? []
        : this.retrievalsByAnchor.get(orgKey(orgId, parentRunId))),
      ...(traceId === undefined ? [] : this.retrievalsByTrace.get(orgKey(orgId, traceId))),
    ];
    const { byId, byTrace } = retrievalsForGeneration(generation, candidates, context);
    for (const retrieval of byId) {
      // The flag only matters to the trace fallback, which never reaches a retrieval without a
      // trace: leaving those alone spares a random write to the largest table for most joins.
      if (retrieval.matchedById || retrieval.traceId === undefined) continue;
      retrieval.matchedById = true;
      this.changedRetrievals.add(orgKey(orgId, retrieval.eventId));
    }
    generation.retrievalEventIds = [...byId, ...byTrace].map((retrieval) => retrieval.eventId).sort();
    generation.matchedById = byId.length > 0;
    this.indexGeneration(generation);
    this.addedGenerations.add(key);
    return generation.retrievalEventIds.length === 0 ? [] : [this.correlationOf(generation, generation.eventId)];
  }

  private correlationOf(generation: GenerationRecord, causationId: string): Correlation {
    // Earlier joins were all within the window of a generation still in reach, so they are loaded.
    const retrievals = generation.retrievalEventIds
      .map((eventId) => this.retrievals.get(orgKey(generation.orgId, eventId)))
      .filter((retrieval): retrieval is RetrievalRecord => retrieval !== undefined);
    return buildCorrelation(
      generation,
      retrievals,
      (orgId, collectionId, vectorId) => this.content.get(orgKey(orgId, collectionId, vectorId))?.content,
      causationId,
    );
  }

  /** Latest content per vector wins; on equal timestamps the later event does. */
  private observeContent(retrieval: RetrievalRecord): void {
    for (const result of retrieval.results) {
      if (result.content === undefined || Buffer.byteLength(result.content, 'utf8') > MAX_STORED_CONTENT_BYTES) {
        continue;
      }
      const record: ContentRecord = {
        orgId: retrieval.orgId,
        collectionId: retrieval.collectionId,
        vectorId: result.id,
        content: result.content,
        observedAt: retrieval.timestamp,
        partition: retrieval.partition,
      };
      const key = this.contentKey(record);
      const current = this.content.get(key);
      if (current !== undefined && current.observedAt > record.observedAt) continue;
      if (current?.observedAt === record.observedAt && current.content === record.content) continue;
      this.content.set(key, record);
      this.changedContent.add(key);
    }
  }

  private indexRetrieval(retrieval: RetrievalRecord): void {
    const { orgId, eventId, parentQueryId, traceId } = retrieval;
    const key = orgKey(orgId, eventId);
    if (this.retrievals.has(key)) return;
    this.retrievals.set(key, retrieval);
    if (parentQueryId !== undefined) this.retrievalsByAnchor.add(orgKey(orgId, parentQueryId), retrieval);
    if (traceId !== undefined) this.retrievalsByTrace.add(orgKey(orgId, traceId), retrieval);
  }

  private indexGeneration(generation: GenerationRecord): void {
    const { orgId, eventId, runId, parentRunId, traceId } = generation;
    const key = orgKey(orgId, eventId);
    if (this.generations.has(key)) return;
    this.generations.set(key, generation);
    for (const anchor of new Set([runId, parentRunId])) {
      if (anchor !== undefined) this.generationsByAnchor.add(orgKey(orgId, anchor), generation);
    }
    if (traceId !== undefined) this.generationsByTrace.add(orgKey(orgId, traceId), generation);
  }

  private contentKey(content: Pick<ContentRecord, 'orgId' | 'collectionId' | 'vectorId'>): string {
    return orgKey(content.orgId, content.collectionId, content.vectorId);
  }

  private ignore(reason: keyof Ignored): Correlation[] {
    this.ignored[reason] += 1;
    return [];
  }
}
