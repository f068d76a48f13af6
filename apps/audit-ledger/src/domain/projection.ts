import type { EventType, PayloadOf } from '@cairn/contracts';
import type { LedgerEntry } from '@cairn/ledger';

/**
 * What a run of ledger entries (one organization, in seq order) changes in the read models. Rows point
 * at their entry by seq (its payload is read from the ledger, not copied). Rows are already merged per key, so a batch applies with one statement per table; merging is associative with
 * what the tables hold (earliest wins for first-seen facts, latest wins for state), which makes the
 * result independent of where batches are cut — a rebuild reproduces the live projections exactly.
 */
export interface ProjectionBatch {
  traces: TraceRow[];
  traceMembers: TraceMemberRow[];
  spans: SpanRow[];
  retrievals: RetrievalRow[];
  generations: GenerationRow[];
  correlations: CorrelationRow[];
  citations: CitationRow[];
  alerts: AlertRow[];
  quarantine: QuarantineRow[];
}

export interface TraceRow {
  traceId: string;
  /** The source of the trace's first event. */
  vendor: string;
  /** The first root span's name or Buzo agentId seen for the trace. */
  name: string | null;
  /** ISO instants, normalized to milliseconds in UTC. */
  startedAt: string | null;
  endedAt: string | null;
  /** The entry that first mentioned the trace: listings sort on it, and it never changes. */
  firstSeq: number;
}

export type TraceMemberKind = 'retrieval' | 'generation';

export interface TraceMemberRow {
  traceId: string;
  kind: TraceMemberKind;
  eventId: string;
  seq: number;
}

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startedAt: string | null;
  eventId: string;
  seq: number;
}

export interface RetrievalRow {
  eventId: string;
  seq: number;
  clientEventId: string;
  traceId: string;
  collectionId: string;
}

export interface GenerationRow {
  eventId: string;
  seq: number;
  clientEventId: string;
}

export interface CorrelationRow {
  eventId: string;
  seq: number;
  generationEventId: string;
}

export interface CitationRow {
  eventId: string;
  seq: number;
  generationEventId: string;
  collectionId: string;
  vectorId: string;
}

export interface AlertRow {
  eventId: string;
  seq: number;
  alertType: string;
  collectionId: string;
  vectorId: string;
  occurredAt: string | null;
}

export interface QuarantineRow {
  collectionId: string;
  vectorId: string;
  state: QuarantineState;
  reason: string | null;
  actor: string;
  changedAt: string;
  eventId: string;
  seq: number;
}

export type QuarantineState = 'QUARANTINED' | 'RELEASED' | 'APPROVED';

const QUARANTINE_STATES: Partial<Record<string, QuarantineState>> = {
  'vector.quarantined.v1': 'QUARANTINED',
  'vector.released.v1': 'RELEASED',
  'vector.approved.v1': 'APPROVED',
};

/** Postgres text cannot hold U+0000; ids and names in indexed columns carry U+FFFD in its place. */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** An ISO 8601 instant as UTC milliseconds, or null when it does not name one. */
export function instant(value: string | undefined): string | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The traces a retrieval belongs to. A vendor span's trace id when it came from one; otherwise (Buzo)
 * the run it was made under, `parentQueryId` — the id Buzo's correlation matches — or, without one,
 * its own clientEventId.
 */
export function retrievalTraceId(payload: PayloadOf<'retrieval.recorded.v1'>): string {
  return payload.traceId ?? payload.parentQueryId ?? payload.clientEventId;
}

/**
 * The traces a generation belongs to: a vendor span's trace id, or (Buzo) each of `runId` and
 * `parentRunId` — the two runs a retrieval's parentQueryId may name for the two to correlate — so a
 * generation always shares a trace with the retrievals it can be correlated with. Without either, its
 * own clientEventId.
 */
export function generationTraceIds(payload: PayloadOf<'generation.recorded.v1'>): string[] {
  if (payload.traceId !== undefined) return [payload.traceId];
  const runs = [payload.runId, payload.parentRunId].filter((run): run is string => run !== undefined);
  return runs.length === 0 ? [payload.clientEventId] : [...new Set(runs)];
}

function payloadOf<TType extends EventType>(entry: LedgerEntry, _type: TType): PayloadOf<TType> {
  // Entries come only from events validated against their schema when they were appended.
  return entry.payload as unknown as PayloadOf<TType>;
}

interface TraceTouch {
  vendor: string;
  name: string | null;
  start: string | null;
  end: string | null;
  seq: number;
}

class TraceAccumulator {
  private readonly rows = new Map<string, TraceRow>();

  touch(rawTraceId: string, touch: TraceTouch): void {
    const traceId = pgText(rawTraceId);
    const row = this.rows.get(traceId);
    if (row === undefined) {
      this.rows.set(traceId, {
        traceId,
        vendor: touch.vendor,
        name: touch.name,
        startedAt: touch.start,
        endedAt: touch.end,
        firstSeq: touch.seq,
      });
      return;
    }
    row.name ??= touch.name;
    row.startedAt = earliest(row.startedAt, touch.start);
    row.endedAt = latest(row.endedAt, touch.end);
  }

  values(): TraceRow[] {
    return [...this.rows.values()];
  }
}

/** As SQL's least/greatest: nulls are ignored. ISO instants in UTC compare as strings. */
const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a <= b ? a : b);
const latest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a >= b ? a : b);

/** Maps one organization's entries, in seq order, to the read-model rows they produce. */
export function projectEntries(entries: readonly LedgerEntry[]): ProjectionBatch {
  const traces = new TraceAccumulator();
  const members = new Map<string, TraceMemberRow>();
  const spans = new Map<string, SpanRow>();
  const quarantine = new Map<string, QuarantineRow>();
  const batch: ProjectionBatch = {
    traces: [],
    traceMembers: [],
    spans: [],
    retrievals: [],
    generations: [],
    correlations: [],
    citations: [],
    alerts: [],
    quarantine: [],
  };
  const addMember = (traceId: string, kind: TraceMemberKind, entry: LedgerEntry) => {
    const row = { traceId: pgText(traceId), kind, eventId: entry.eventId, seq: entry.seq };
    members.set(JSON.stringify([row.traceId, kind, entry.eventId]), row);
  };

  for (const entry of entries) {
    const { seq, eventId, occurredAt } = entry;
    switch (entry.type) {
      case 'retrieval.recorded.v1': {
        const payload = payloadOf(entry, 'retrieval.recorded.v1');
        const traceId = retrievalTraceId(payload);
        const at = instant(occurredAt);
        traces.touch(traceId, { vendor: payload.source, name: payload.agentId ?? null, start: at, end: at, seq });
        addMember(traceId, 'retrieval', entry);
        batch.retrievals.push({
          eventId,
          seq,
          clientEventId: pgText(payload.clientEventId),
          traceId: pgText(traceId),
          collectionId: pgText(payload.collectionId),
        });
        break;
      }
      case 'generation.recorded.v1': {
        const payload = payloadOf(entry, 'generation.recorded.v1');
        const at = instant(occurredAt);
        for (const traceId of generationTraceIds(payload)) {
          traces.touch(traceId, { vendor: payload.source, name: payload.agentId ?? null, start: at, end: at, seq });
          addMember(traceId, 'generation', entry);
        }
        batch.generations.push({ eventId, seq, clientEventId: pgText(payload.clientEventId) });
        break;
      }
      case 'span.recorded.v1': {
        const payload = payloadOf(entry, 'span.recorded.v1');
        const start = instant(payload.startTime);
        traces.touch(payload.traceId, {
          vendor: payload.source,
          name: payload.parentSpanId === undefined ? pgText(payload.name) : null,
          start,
          end: instant(payload.endTime) ?? start,
          seq,
        });
        const row: SpanRow = {
          traceId: pgText(payload.traceId),
          spanId: pgText(payload.spanId),
          parentSpanId: payload.parentSpanId === undefined ? null : pgText(payload.parentSpanId),
          startedAt: start,
          eventId,
          seq,
        };
        spans.set(JSON.stringify([row.traceId, row.spanId]), row); // a re-sent span replaces the earlier one
        break;
      }
      case 'generation.correlated.v1': {
        const payload = payloadOf(entry, 'generation.correlated.v1');
        batch.correlations.push({ eventId, seq, generationEventId: pgText(payload.generation.eventId) });
        break;
      }
      case 'citation.detected.v1': {
        const payload = payloadOf(entry, 'citation.detected.v1');
        batch.citations.push({
          eventId,
          seq,
          generationEventId: pgText(payload.generation.eventId),
          collectionId: pgText(payload.collectionId),
          vectorId: pgText(payload.vectorId),
        });
        break;
      }
      case 'alert.raised.v1': {
        const payload = payloadOf(entry, 'alert.raised.v1');
        batch.alerts.push({
          eventId,
          seq,
          alertType: payload.alertType,
          collectionId: pgText(payload.collectionId),
          vectorId: pgText(payload.vectorId),
          occurredAt: instant(occurredAt),
        });
        break;
      }
      case 'vector.quarantined.v1':
      case 'vector.released.v1':
      case 'vector.approved.v1': {
        const payload = payloadOf(entry, 'vector.quarantined.v1');
        const row: QuarantineRow = {
          collectionId: pgText(payload.collectionId),
          vectorId: pgText(payload.vectorId),
          state: QUARANTINE_STATES[entry.type]!,
          reason: payload.reason === undefined ? null : pgText(payload.reason),
          actor: pgText(payload.actor),
          changedAt: occurredAt,
          eventId,
          seq,
        };
        quarantine.set(JSON.stringify([row.collectionId, row.vectorId]), row); // the latest decision wins
        break;
      }
      default:
        // Access changes and event types without a read model are in the ledger only.
        break;
    }
  }
  batch.traces = traces.values();
  batch.traceMembers = [...members.values()];
  batch.spans = [...spans.values()];
  batch.quarantine = [...quarantine.values()];
  return batch;
}
