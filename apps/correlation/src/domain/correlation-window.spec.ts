import { arriving, generation, MINUTE, retrieval, SECOND, SETTINGS, T0 } from '../../test/records';
import type { Arrival } from './arrival';
import type { Correlation } from './correlate';
import { CorrelationWindow, type LoadedState, type StateChanges } from './correlation-window';
import { correlationEventId } from './ids';
import { lookupKeys, vectorsWithoutContent, type OrgScoped } from './lookup';
import { orgKey, type ContentRecord, type GenerationRecord, type RetrievalRecord } from './model';

const empty: LoadedState = { retrievals: [], generations: [], content: [], clocks: new Map() };

/** Applies arrivals as one batch against `loaded`. */
function run(arrivals: readonly Arrival[], loaded: LoadedState = empty) {
  const window = new CorrelationWindow(SETTINGS, loaded);
  const correlations = arrivals.flatMap((arrival) => window.apply(arrival));
  return { correlations, changes: window.changes(), ignored: window.ignored };
}

const joined = (correlation: Correlation | undefined) =>
  correlation?.payload.retrievals.map((retrieval) => retrieval.eventId);

/**
 * What the repository does, in memory: the stored state between batches, loaded by the same keys
 * the consumer asks the repository for, so a key the lookup forgets makes the batch-cut test fail.
 */
class Store {
  private readonly retrievals = new Map<string, RetrievalRecord>();
  private readonly generations = new Map<string, GenerationRecord>();
  private readonly content = new Map<string, ContentRecord>();
  private readonly clocks = new Map<number, number>();

  load(arrivals: readonly Arrival[]): LoadedState {
    const keys = lookupKeys(arrivals);
    const has = (list: OrgScoped[], orgId: string, value: string | undefined) =>
      list.some((key) => key.orgId === orgId && key.value === value);
    const generations = [...this.generations.values()].filter(
      (g) =>
        has(keys.generationAnchors, g.orgId, g.runId) ||
        has(keys.generationAnchors, g.orgId, g.parentRunId) ||
        has(keys.generationTraces, g.orgId, g.traceId) ||
        has(keys.generationIds, g.orgId, g.eventId),
    );
    const joined = generations.flatMap((g) => g.retrievalEventIds.map((value) => ({ orgId: g.orgId, value })));
    const retrievalIds = [...keys.retrievalIds, ...joined];
    const retrievals = [...this.retrievals.values()].filter(
      (r) =>
        has(keys.retrievalAnchors, r.orgId, r.parentQueryId) ||
        has(keys.retrievalTraces, r.orgId, r.traceId) ||
        has(retrievalIds, r.orgId, r.eventId),
    );
    const content = [...keys.contentVectors, ...vectorsWithoutContent(retrievals)]
      .map((v) => this.content.get(orgKey(v.orgId, v.collectionId, v.vectorId)))
      .filter((record): record is ContentRecord => record !== undefined);
    const clocks = new Map([...this.clocks].filter(([partition]) => keys.partitions.includes(partition)));
    return { retrievals, generations, content, clocks };
  }

  save(changes: StateChanges): void {
    for (const r of changes.newRetrievals) this.retrievals.set(orgKey(r.orgId, r.eventId), { ...r });
    for (const g of changes.newGenerations) this.generations.set(orgKey(g.orgId, g.eventId), { ...g });
    for (const r of changes.retrievalsMatchedById) this.retrievals.get(orgKey(r.orgId, r.eventId))!.matchedById = true;
    for (const g of changes.updatedGenerations) this.generations.set(orgKey(g.orgId, g.eventId), { ...g });
    for (const c of changes.content) this.content.set(orgKey(c.orgId, c.collectionId, c.vectorId), c);
    for (const [partition, clock] of changes.clocks) this.clocks.set(partition, clock);
  }
}

describe('CorrelationWindow', () => {
  it('correlates a retrieval and a generation of the same batch, whichever comes first', () => {
    const r = retrieval({ eventId: 'r', parentQueryId: 'P' });
    const g = generation({ eventId: 'g', runId: 'P', timestamp: T0 + SECOND });
    for (const order of [
      [arriving(r), arriving(g)],
      [arriving(g), arriving(r)],
    ]) {
      const { correlations, changes } = run(order);
      expect(correlations.map((c) => c.id)).toEqual([correlationEventId('org-1', 'g', ['r'])]);
      expect(correlations[0]!.causationId).toBe(order[1]!.kind === 'retrieval' ? 'r' : 'g');
      expect(changes.newRetrievals).toEqual([{ ...r, matchedById: order[1]!.kind === 'retrieval' }]);
      expect(changes.newGenerations).toEqual([{ ...g, retrievalEventIds: ['r'], matchedById: true }]);
      expect(changes.retrievalsMatchedById).toEqual([]);
      expect(changes.updatedGenerations).toEqual([]);
    }
  });

  it('correlates with stored counterparts and reports the stored rows it changed', () => {
    const stored = retrieval({ eventId: 'r', parentQueryId: 'P', traceId: 'T' });
    const { correlations, changes } = run([arriving(generation({ eventId: 'g', parentRunId: 'P' }))], {
      ...empty,
      retrievals: [stored],
    });
    expect(correlations.map(joined)).toEqual([['r']]);
    expect(changes.retrievalsMatchedById).toEqual([{ ...stored, matchedById: true }]);
    expect(stored.matchedById).toBe(false); // loaded rows are copied, never mutated
  });

  it('does not rewrite a stored retrieval without a trace when it joins by ids', () => {
    const stored = retrieval({ eventId: 'r', parentQueryId: 'P' });
    const { correlations, changes } = run([arriving(generation({ eventId: 'g', runId: 'P' }))], {
      ...empty,
      retrievals: [stored],
    });
    expect(correlations.map(joined)).toEqual([['r']]);
    expect(changes.retrievalsMatchedById).toEqual([]);
  });

  it('emits a new correlation with every retrieval so far when another retrieval joins', () => {
    const storedGeneration = generation({ eventId: 'g', runId: 'P', retrievalEventIds: ['r-1'], matchedById: true });
    const first = retrieval({ eventId: 'r-1', parentQueryId: 'P', matchedById: true });
    const second = retrieval({ eventId: 'r-2', parentQueryId: 'P', timestamp: T0 + MINUTE });
    const { correlations, changes } = run([arriving(second)], {
      ...empty,
      retrievals: [first],
      generations: [storedGeneration],
    });
    expect(correlations).toHaveLength(1);
    expect(joined(correlations[0])).toEqual(['r-1', 'r-2']);
    expect(correlations[0]!.id).toBe(correlationEventId('org-1', 'g', ['r-1', 'r-2']));
    expect(correlations[0]!.id).not.toBe(correlationEventId('org-1', 'g', ['r-1']));
    expect(changes.updatedGenerations).toEqual([{ ...storedGeneration, retrievalEventIds: ['r-1', 'r-2'] }]);
  });

  it('correlates one retrieval with every generation it feeds', () => {
    const { correlations } = run([
      arriving(generation({ eventId: 'g-1', runId: 'llm-1', parentRunId: 'P' })),
      arriving(generation({ eventId: 'g-2', runId: 'llm-2', parentRunId: 'P' })),
      arriving(retrieval({ eventId: 'r', parentQueryId: 'P' })),
    ]);
    expect(correlations.map((c) => c.payload.generation.eventId)).toEqual(['g-1', 'g-2']);
  });

  it('never joins across organizations that use the same ids', () => {
    const { correlations } = run([
      arriving(retrieval({ eventId: 'r', orgId: 'org-a', parentQueryId: 'P' })),
      arriving(generation({ eventId: 'g', orgId: 'org-b', runId: 'P' })),
    ]);
    expect(correlations).toEqual([]);
  });

  it('ignores a redelivered event, stored or earlier in the batch', () => {
    const r = retrieval({ eventId: 'r', parentQueryId: 'P' });
    const g = generation({ eventId: 'g', runId: 'P' });
    const { correlations, ignored } = run([arriving(r), arriving(g), arriving(r), arriving(g)]);
    expect(correlations).toHaveLength(1);
    expect(ignored).toEqual({ duplicate: 2, late: 0, retrievalWithoutAnchor: 0 });

    const stored = run([arriving(g)], { ...empty, retrievals: [r], generations: [{ ...g, retrievalEventIds: ['r'] }] });
    expect(stored.correlations).toEqual([]);
    expect(stored.ignored.duplicate).toBe(1);
  });

  it('does not join events outside the window', () => {
    const { correlations } = run([
      arriving(retrieval({ eventId: 'r', parentQueryId: 'P', timestamp: T0 })),
      arriving(generation({ eventId: 'g', runId: 'P', timestamp: T0 + 15 * MINUTE + 1 })),
    ]);
    expect(correlations).toEqual([]);
  });

  describe('partition clock', () => {
    it('advances to the latest event time, never backwards, and is reported per partition', () => {
      const { changes } = run(
        [
          arriving(retrieval({ eventId: 'a', partition: 3, timestamp: T0 + MINUTE }), T0 + MINUTE),
          arriving(retrieval({ eventId: 'b', partition: 3, timestamp: T0 }), T0),
        ],
        { ...empty, clocks: new Map([[3, T0 - MINUTE]]) },
      );
      expect(changes.clocks).toEqual(new Map([[3, T0 + MINUTE]]));
    });

    it('ignores an event older than clock - window - grace, but still keeps its content', () => {
      const old = retrieval({ eventId: 'old', parentQueryId: 'P', timestamp: T0 - 20 * MINUTE - 1 });
      const { correlations, changes, ignored } = run([arriving(old)], {
        ...empty,
        generations: [generation({ eventId: 'g', runId: 'P', timestamp: T0 - 10 * MINUTE })],
        clocks: new Map([[0, T0]]),
      });
      expect(correlations).toEqual([]);
      expect(ignored.late).toBe(1);
      expect(changes.newRetrievals).toEqual([]);
      expect(changes.content.map((c) => c.vectorId)).toEqual(['vector-of-old']);
    });

    it('leaves stored rows past the horizon out of reach, whether or not they were purged yet', () => {
      const { correlations } = run(
        [arriving(generation({ eventId: 'g', runId: 'P', timestamp: T0 - 6 * MINUTE }), T0)],
        {
          ...empty,
          retrievals: [retrieval({ eventId: 'r', parentQueryId: 'P', timestamp: T0 - 20 * MINUTE - 1 })],
          clocks: new Map([[0, T0]]),
        },
      );
      expect(correlations).toEqual([]);
    });
  });

  describe('content', () => {
    it("takes a vector's content from an earlier retrieval, and marks never-seen vectors unknown", () => {
      const { correlations } = run([
        arriving(
          retrieval({ eventId: 'r-0', parentQueryId: 'other', results: [{ id: 'v', score: 1, content: 'text' }] }),
        ),
        arriving(
          retrieval({
            eventId: 'r-1',
            parentQueryId: 'P',
            timestamp: T0 + SECOND,
            results: [
              { id: 'v', score: 0.7 },
              { id: 'never-seen', score: 0.6 },
            ],
          }),
        ),
        arriving(generation({ eventId: 'g', runId: 'P', timestamp: T0 + SECOND })),
      ]);
      expect(correlations[0]!.payload.vectors).toEqual([
        {
          collectionId: 'docs',
          vectorId: 'v',
          retrievalEventId: 'r-1',
          score: 0.7,
          content: 'text',
          contentSource: 'stored',
        },
        { collectionId: 'docs', vectorId: 'never-seen', retrievalEventId: 'r-1', score: 0.6, contentSource: 'unknown' },
      ]);
    });

    it('keeps the content of the latest retrieval by timestamp, whatever the arrival order', () => {
      const newer = retrieval({ eventId: 'new', timestamp: T0, results: [{ id: 'v', score: 1, content: 'new' }] });
      const older = retrieval({
        eventId: 'old',
        timestamp: T0 - MINUTE,
        results: [{ id: 'v', score: 1, content: 'old' }],
      });
      expect(run([arriving(newer), arriving(older)]).changes.content.map((c) => c.content)).toEqual(['new']);
      expect(run([arriving(older), arriving(newer)]).changes.content.map((c) => c.content)).toEqual(['new']);
      const storedNewer: ContentRecord = {
        orgId: 'org-1',
        collectionId: 'docs',
        vectorId: 'v',
        content: 'stored',
        observedAt: T0 + MINUTE,
        partition: 0,
      };
      expect(run([arriving(newer)], { ...empty, content: [storedNewer] }).changes.content).toEqual([]);
    });

    it('stores content up to 16 KB only', () => {
      const at = (bytes: number) => 'é'.repeat(bytes / 2);
      const { changes } = run([
        arriving(
          retrieval({
            eventId: 'r',
            results: [
              { id: 'fits', score: 1, content: at(16 * 1024) },
              { id: 'too-big', score: 1, content: at(16 * 1024 + 2) },
            ],
          }),
        ),
      ]);
      expect(changes.content.map((c) => c.vectorId)).toEqual(['fits']);
    });
  });

  describe('trace fallback (vendor span trees)', () => {
    it('joins a retrieval nested under a tool span to the generation of its trace', () => {
      const { correlations } = run([
        arriving(retrieval({ eventId: 'r', parentQueryId: 'tool-span', traceId: 'T' })),
        arriving(generation({ eventId: 'g', runId: 'llm-span', parentRunId: 'root', traceId: 'T' })),
      ]);
      expect(correlations.map(joined)).toEqual([['r']]);
    });

    it('prefers siblings matched by ids over the rest of the trace', () => {
      const { correlations } = run([
        arriving(retrieval({ eventId: 'r-sibling', parentQueryId: 'root', traceId: 'T' })),
        arriving(retrieval({ eventId: 'r-nested', parentQueryId: 'tool-span', traceId: 'T' })),
        arriving(generation({ eventId: 'g', runId: 'llm-span', parentRunId: 'root', traceId: 'T' })),
      ]);
      expect(correlations.map(joined)).toEqual([['r-sibling']]);
    });

    it('does not give a retrieval matched by ids to other generations of the trace', () => {
      const { correlations } = run([
        arriving(generation({ eventId: 'g-sibling', runId: 'llm-1', parentRunId: 'root', traceId: 'T' })),
        arriving(generation({ eventId: 'g-elsewhere', runId: 'llm-2', parentRunId: 'agent', traceId: 'T' })),
        arriving(retrieval({ eventId: 'r', parentQueryId: 'root', traceId: 'T' })),
      ]);
      expect(correlations.map((c) => c.payload.generation.eventId)).toEqual(['g-sibling']);
    });
  });

  it('stores a retrieval without parentQueryId or traceId nowhere but the content store', () => {
    const { changes, ignored } = run([arriving(retrieval({ eventId: 'r' }))]);
    expect(changes.newRetrievals).toEqual([]);
    expect(changes.content).toHaveLength(1);
    expect(ignored.retrievalWithoutAnchor).toBe(1);
  });

  it('reaches the same correlations however the stream is cut into batches', () => {
    // 30 minutes of runs sharing anchors and traces, with content-less results, redeliveries and
    // one event later than the grace: enough for joins across batches, the horizon and the store.
    const stream: Arrival[] = [];
    for (let index = 0; index < 90; index += 1) {
      const anchor = `run-${index % 7}`;
      const at = T0 + index * 20 * SECOND;
      const results = [{ id: `v-${index % 5}`, score: 1, ...(index % 4 === 0 ? { content: `text ${index}` } : {}) }];
      stream.push(
        arriving(
          retrieval({
            eventId: `r-${index}`,
            parentQueryId: anchor,
            traceId: `t-${index % 3}`,
            timestamp: at,
            results,
          }),
        ),
      );
      const fields = { eventId: `g-${index}`, runId: `llm-${index}`, timestamp: at + SECOND };
      stream.push(
        arriving(
          generation(index % 2 === 0 ? { ...fields, parentRunId: anchor } : { ...fields, traceId: `t-${index % 3}` }),
        ),
      );
      if (index % 10 === 9) stream.push(stream[stream.length - 3]!);
    }
    stream.push(arriving(generation({ eventId: 'g-late', parentRunId: 'run-0', timestamp: T0 + 2 * MINUTE })));
    const whole = run(stream);
    expect(whole.correlations.length).toBeGreaterThan(90);
    expect(whole.ignored).toEqual({ duplicate: 9, late: 1, retrievalWithoutAnchor: 0 });

    for (const size of [1, 3, 17, 100]) {
      const store = new Store();
      const correlations: Correlation[] = [];
      for (let start = 0; start < stream.length; start += size) {
        const slice = stream.slice(start, start + size);
        const batch = run(slice, store.load(slice));
        store.save(batch.changes);
        correlations.push(...batch.correlations);
      }
      expect(correlations).toEqual(whole.correlations);
    }
  });
});
