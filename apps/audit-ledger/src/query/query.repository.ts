import { Inject, Injectable } from '@nestjs/common';
import type { EventType, PayloadOf } from '@cairn/contracts';
import type { Pool } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import { parseStoredEntry } from '../domain/chain-verification';
import type { AlertQuery, TraceQuery } from '../domain/query-params';

export interface TraceRecord {
  traceId: string;
  vendor: string;
  name: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  firstSeq: number;
  spanCount: number;
  retrievalCount: number;
  generationCount: number;
}

/** A projected item with its ledger entry's payload. */
export interface EntryRecord<TType extends EventType> {
  eventId: string;
  seq: number;
  occurredAt: string;
  payload: PayloadOf<TType>;
}

export interface SpanRecord extends EntryRecord<'span.recorded.v1'> {
  spanId: string;
  parentSpanId: string | null;
  startedAt: Date | null;
}

interface TraceRow {
  trace_id: string;
  vendor: string;
  name: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  first_seq: string;
  span_count: string;
  retrieval_count: string;
  generation_count: string;
}

interface EntryRow {
  seq: string;
  canonical: string;
}

/** The item's entry, parsed; its payload was validated against its event type when it was appended. */
function toEntryRecord<TType extends EventType>(row: EntryRow): EntryRecord<TType> {
  const entry = parseStoredEntry(row.canonical);
  return {
    eventId: entry.eventId,
    seq: Number(row.seq),
    occurredAt: entry.occurredAt,
    payload: entry.payload as unknown as PayloadOf<TType>,
  };
}

/** `ILIKE` pattern matching `text` anywhere, its own wildcards taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

const TRACE_COLUMNS = `t.trace_id, t.vendor, t.name, t.started_at, t.ended_at, t.first_seq,
  (SELECT count(*) FROM projections.spans s WHERE s.org_id = t.org_id AND s.trace_id = t.trace_id) AS span_count,
  m.retrieval_count, m.generation_count`;
const TRACE_MEMBER_COUNTS = `LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE kind = 'retrieval') AS retrieval_count,
         count(*) FILTER (WHERE kind = 'generation') AS generation_count
  FROM projections.trace_members tm WHERE tm.org_id = t.org_id AND tm.trace_id = t.trace_id) m ON true`;

/**
 * Joins the ledger entry a projection row points at, as one primary-key lookup per row. The lateral
 * subquery is fenced (`OFFSET 0`) so the planner cannot flatten it: flattened, the organization condition
 * carries over to the entries, and for an organization the table statistics do not know yet (a new one)
 * the planner expects a single entry and scans its whole chain for every row, filtering on seq. Seen
 * in `bench:e2e`: polling a generation cost 17 ms and 3,000 buffer reads, not 0.2 ms and 8.
 */
const entryOf = (row: string) =>
  `CROSS JOIN LATERAL (SELECT seq, canonical FROM ledger.entries WHERE org_id = ${row}.org_id AND seq = ${row}.seq OFFSET 0) e`;

/** Read-side SQL over the projections and the entries they point at; every query is scoped to one organization. */
@Injectable()
export class QueryRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Newest first (by the seq that first mentioned the trace), `limit` rows after the cursor. */
  async traces(orgId: string, query: TraceQuery, limit: number): Promise<TraceRecord[]> {
    const { rows } = await this.pool.query<TraceRow>(
      `SELECT ${TRACE_COLUMNS} FROM projections.traces t ${TRACE_MEMBER_COUNTS}
       WHERE t.org_id = $1
         AND ($2::timestamptz IS NULL OR t.started_at >= $2)
         AND ($3::timestamptz IS NULL OR t.started_at < $3)
         AND ($4::text IS NULL OR t.vendor = $4)
         AND ($5::text IS NULL OR t.name ILIKE $5)
         AND ($6::bigint IS NULL OR (t.first_seq, t.trace_id) < ($6, $7::text))
       ORDER BY t.first_seq DESC, t.trace_id DESC LIMIT $8`,
      [
        orgId,
        query.from ?? null,
        query.to ?? null,
        query.vendor ?? null,
        query.name === undefined ? null : containing(query.name),
        query.after?.firstSeq ?? null,
        query.after?.traceId ?? null,
        limit,
      ],
    );
    return rows.map(toTraceRecord);
  }

  async trace(orgId: string, traceId: string): Promise<TraceRecord | undefined> {
    const { rows } = await this.pool.query<TraceRow>(
      `SELECT ${TRACE_COLUMNS} FROM projections.traces t ${TRACE_MEMBER_COUNTS}
       WHERE t.org_id = $1 AND t.trace_id = $2`,
      [orgId, traceId],
    );
    return rows[0] && toTraceRecord(rows[0]);
  }

  async spans(orgId: string, traceId: string): Promise<SpanRecord[]> {
    const { rows } = await this.pool.query<
      EntryRow & { span_id: string; parent_span_id: string | null; started_at: Date | null }
    >(
      `SELECT s.span_id, s.parent_span_id, s.started_at, e.seq, e.canonical FROM projections.spans s ${entryOf('s')}
       WHERE s.org_id = $1 AND s.trace_id = $2`,
      [orgId, traceId],
    );
    return rows.map((row) => ({
      ...toEntryRecord<'span.recorded.v1'>(row),
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      startedAt: row.started_at,
    }));
  }

  async traceRetrievals(orgId: string, traceId: string): Promise<EntryRecord<'retrieval.recorded.v1'>[]> {
    return (await this.memberEntries(orgId, traceId, 'retrieval')).map((row) =>
      toEntryRecord<'retrieval.recorded.v1'>(row),
    );
  }

  async traceGenerations(orgId: string, traceId: string): Promise<EntryRecord<'generation.recorded.v1'>[]> {
    return (await this.memberEntries(orgId, traceId, 'generation')).map((row) =>
      toEntryRecord<'generation.recorded.v1'>(row),
    );
  }

  /** The trace's retrievals or generations, in ledger order. */
  private async memberEntries(orgId: string, traceId: string, kind: 'retrieval' | 'generation'): Promise<EntryRow[]> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT e.seq, e.canonical FROM projections.trace_members m ${entryOf('m')}
       WHERE m.org_id = $1 AND m.trace_id = $2 AND m.kind = $3 ORDER BY m.seq`,
      [orgId, traceId, kind],
    );
    return rows;
  }

  /** A generation by its client event id (the first recorded, should a client have reused one). */
  async generation(orgId: string, clientEventId: string): Promise<EntryRecord<'generation.recorded.v1'> | undefined> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT e.seq, e.canonical FROM projections.generations g ${entryOf('g')}
       WHERE g.org_id = $1 AND g.client_event_id = $2 ORDER BY g.seq LIMIT 1`,
      [orgId, clientEventId],
    );
    return rows[0] && toEntryRecord<'generation.recorded.v1'>(rows[0]);
  }

  /**
   * The citations of these generations: per (generation, vector), the latest recorded — a re-match by a
   * newer matcher version supersedes the earlier verdict.
   */
  async citations(
    orgId: string,
    generationEventIds: readonly string[],
  ): Promise<EntryRecord<'citation.detected.v1'>[]> {
    if (generationEventIds.length === 0) return [];
    const { rows } = await this.pool.query<EntryRow>(
      // One index lookup per generation, fenced like entryOf: with `generation_event_id = ANY(…)`, a
      // new organization's citations were read through the primary key, all of them, and filtered.
      `SELECT e.seq, e.canonical FROM (
         SELECT DISTINCT ON (c.generation_event_id, c.collection_id, c.vector_id) c.org_id, c.seq
         FROM unnest($2::text[]) AS generation(event_id) CROSS JOIN LATERAL (
           SELECT org_id, seq, generation_event_id, collection_id, vector_id FROM projections.citations
           WHERE org_id = $1 AND generation_event_id = generation.event_id OFFSET 0
         ) c
         ORDER BY c.generation_event_id, c.collection_id, c.vector_id, c.seq DESC
       ) latest ${entryOf('latest')}
       ORDER BY e.seq`,
      [orgId, generationEventIds],
    );
    return rows.map((row) => toEntryRecord<'citation.detected.v1'>(row));
  }

  /** Newest first, `limit` rows after the cursor. */
  async alerts(orgId: string, query: AlertQuery, limit: number): Promise<EntryRecord<'alert.raised.v1'>[]> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT e.seq, e.canonical FROM projections.alerts a ${entryOf('a')}
       WHERE a.org_id = $1
         AND ($2::text IS NULL OR a.alert_type = $2)
         AND ($3::timestamptz IS NULL OR a.occurred_at >= $3)
         AND ($4::bigint IS NULL OR a.seq < $4)
       ORDER BY a.seq DESC LIMIT $5`,
      [orgId, query.type ?? null, query.since ?? null, query.after?.seq ?? null, limit],
    );
    return rows.map((row) => toEntryRecord<'alert.raised.v1'>(row));
  }
}

function toTraceRecord(row: TraceRow): TraceRecord {
  return {
    traceId: row.trace_id,
    vendor: row.vendor,
    name: row.name,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    firstSeq: Number(row.first_seq),
    spanCount: Number(row.span_count),
    retrievalCount: Number(row.retrieval_count),
    generationCount: Number(row.generation_count),
  };
}
