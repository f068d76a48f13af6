import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import type { LoadedState, StateChanges } from '../domain/correlation-window';
import type { LookupKeys, OrgScoped } from '../domain/lookup';
import type { ContentRecord, GenerationRecord, RetrievalRecord, RetrievedResult } from '../domain/model';

export const CORRELATION_SCHEMA = 'correlation';
const S = CORRELATION_SCHEMA;

// Rows come back as JSON (`to_jsonb`), so one statement can return all four kinds at once.
interface RetrievalRow {
  org_id: string;
  event_id: string;
  client_event_id: string;
  collection_id: string;
  occurred_at: string;
  parent_query_id: string | null;
  trace_id: string | null;
  results: RetrievedResult[];
  matched_by_id: boolean;
  partition: number;
}

interface GenerationRow {
  org_id: string;
  event_id: string;
  client_event_id: string;
  run_id: string | null;
  parent_run_id: string | null;
  trace_id: string | null;
  occurred_at: string;
  output_text: string;
  retrieval_event_ids: string[];
  matched_by_id: boolean;
  partition: number;
}

interface ContentRow {
  org_id: string;
  collection_id: string;
  vector_id: string;
  content: string;
  observed_at: string;
  partition: number;
}

type LoadedRow =
  | { kind: 'retrieval'; row: RetrievalRow }
  | { kind: 'generation'; row: GenerationRow }
  | { kind: 'content'; row: ContentRow }
  | { kind: 'clock'; row: { partition: number; clock: string } };

/** Tables the purge walks, each with its primary key and the time its rows expire by. */
export type PurgedTable = 'retrievals' | 'generations' | 'vector_content';
const PURGE_SHAPE: Record<PurgedTable, { key: string[]; time: string }> = {
  retrievals: { key: ['org_id', 'event_id'], time: 'occurred_at' },
  generations: { key: ['org_id', 'event_id'], time: 'occurred_at' },
  vector_content: { key: ['org_id', 'collection_id', 'vector_id'], time: 'observed_at' },
};

// The primary-key fetches are LATERAL … LIMIT 1 so each stays an index probe whatever the planner
// estimates (it counts 100 rows per jsonb_array_elements call, and knows nothing of a freshly
// filled table) — otherwise it may hash-join against a sequential scan of a million rows.
const LOAD = `
  WITH generation_keys AS (
    SELECT g.org_id, g.event_id FROM unnest($1::text[], $2::text[]) AS k(org_id, anchor)
      JOIN ${S}.generations g ON g.org_id = k.org_id AND g.run_id = k.anchor
    UNION
    SELECT g.org_id, g.event_id FROM unnest($1::text[], $2::text[]) AS k(org_id, anchor)
      JOIN ${S}.generations g ON g.org_id = k.org_id AND g.parent_run_id = k.anchor
    UNION
    SELECT g.org_id, g.event_id FROM unnest($3::text[], $4::text[]) AS k(org_id, trace_id)
      JOIN ${S}.generations g ON g.org_id = k.org_id AND g.trace_id = k.trace_id
    UNION
    SELECT org_id, event_id FROM unnest($5::text[], $6::text[]) AS k(org_id, event_id)
  ),
  loaded_generations AS MATERIALIZED (
    SELECT g.* FROM generation_keys k CROSS JOIN LATERAL (
      SELECT * FROM ${S}.generations g WHERE g.org_id = k.org_id AND g.event_id = k.event_id LIMIT 1
    ) g
  ),
  retrieval_keys AS (
    SELECT r.org_id, r.event_id FROM unnest($7::text[], $8::text[]) AS k(org_id, anchor)
      JOIN ${S}.retrievals r ON r.org_id = k.org_id AND r.parent_query_id = k.anchor
    UNION
    SELECT r.org_id, r.event_id FROM unnest($9::text[], $10::text[]) AS k(org_id, trace_id)
      JOIN ${S}.retrievals r ON r.org_id = k.org_id AND r.trace_id = k.trace_id
    UNION
    SELECT org_id, event_id FROM unnest($11::text[], $12::text[]) AS k(org_id, event_id)
    UNION
    SELECT org_id, jsonb_array_elements_text(retrieval_event_ids) FROM loaded_generations
  ),
  loaded_retrievals AS MATERIALIZED (
    SELECT r.* FROM retrieval_keys k CROSS JOIN LATERAL (
      SELECT * FROM ${S}.retrievals r WHERE r.org_id = k.org_id AND r.event_id = k.event_id LIMIT 1
    ) r
  ),
  content_keys AS (
    SELECT * FROM unnest($13::text[], $14::text[], $15::text[]) AS k(org_id, collection_id, vector_id)
    UNION
    SELECT r.org_id, r.collection_id, result->>'id' FROM loaded_retrievals r, jsonb_array_elements(r.results) result
    WHERE NOT result ? 'content'
  )
  SELECT 'generation' AS kind, to_jsonb(g) AS row FROM loaded_generations g
  UNION ALL
  SELECT 'retrieval', to_jsonb(r) FROM loaded_retrievals r
  UNION ALL
  SELECT 'content', to_jsonb(c) FROM content_keys k CROSS JOIN LATERAL (
    SELECT * FROM ${S}.vector_content c
    WHERE c.org_id = k.org_id AND c.collection_id = k.collection_id AND c.vector_id = k.vector_id LIMIT 1
  ) c
  UNION ALL
  SELECT 'clock', to_jsonb(p) FROM ${S}.partition_clocks p WHERE p.partition = ANY($16::int[])`;

// Each part touches rows the others do not (new rows are inserted in their final state), so the
// parts of this one statement cannot step on each other.
const SAVE = `
  WITH new_retrievals AS (
    INSERT INTO ${S}.retrievals (org_id, event_id, client_event_id, collection_id, occurred_at, parent_query_id,
      trace_id, results, matched_by_id, partition)
    SELECT org_id, event_id, client_event_id, collection_id, occurred_at, parent_query_id, trace_id, results::jsonb,
      matched_by_id, partition
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
      $9::boolean[], $10::int[])
      AS r(org_id, event_id, client_event_id, collection_id, occurred_at, parent_query_id, trace_id, results,
        matched_by_id, partition)
    ON CONFLICT DO NOTHING
  ),
  new_generations AS (
    INSERT INTO ${S}.generations (org_id, event_id, client_event_id, run_id, parent_run_id, trace_id, occurred_at,
      output_text, retrieval_event_ids, matched_by_id, partition)
    SELECT org_id, event_id, client_event_id, run_id, parent_run_id, trace_id, occurred_at, output_text,
      retrieval_event_ids::jsonb, matched_by_id, partition
    FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::timestamptz[],
      $18::text[], $19::text[], $20::boolean[], $21::int[])
      AS g(org_id, event_id, client_event_id, run_id, parent_run_id, trace_id, occurred_at, output_text,
        retrieval_event_ids, matched_by_id, partition)
    ON CONFLICT DO NOTHING
  ),
  matched_retrievals AS (
    UPDATE ${S}.retrievals r SET matched_by_id = true
    FROM unnest($22::text[], $23::text[]) AS k(org_id, event_id)
    WHERE r.org_id = k.org_id AND r.event_id = k.event_id
  ),
  joined_generations AS (
    UPDATE ${S}.generations g SET retrieval_event_ids = k.retrieval_event_ids::jsonb, matched_by_id = k.matched_by_id
    FROM unnest($24::text[], $25::text[], $26::text[], $27::boolean[])
      AS k(org_id, event_id, retrieval_event_ids, matched_by_id)
    WHERE g.org_id = k.org_id AND g.event_id = k.event_id
  ),
  latest_content AS (
    INSERT INTO ${S}.vector_content AS c (org_id, collection_id, vector_id, content, observed_at, partition)
    SELECT * FROM unnest($28::text[], $29::text[], $30::text[], $31::text[], $32::timestamptz[], $33::int[])
    ON CONFLICT (org_id, collection_id, vector_id) DO UPDATE
      SET content = EXCLUDED.content, observed_at = EXCLUDED.observed_at, partition = EXCLUDED.partition
      WHERE EXCLUDED.observed_at > c.observed_at
        OR (EXCLUDED.observed_at = c.observed_at AND EXCLUDED.content IS DISTINCT FROM c.content)
  )
  INSERT INTO ${S}.partition_clocks AS p (partition, clock)
  SELECT * FROM unnest($34::int[], $35::timestamptz[])
  ON CONFLICT (partition) DO UPDATE SET clock = GREATEST(p.clock, EXCLUDED.clock)`;

const orgs = (keys: readonly OrgScoped[]) => keys.map((key) => key.orgId);
const values = (keys: readonly OrgScoped[]) => keys.map((key) => key.value);
const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** Drops the optional fields a row has no value for. */
function defined<TValue extends object>(value: TValue): TValue {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as TValue;
}

function retrievalOf(row: RetrievalRow): RetrievalRecord {
  return defined({
    orgId: row.org_id,
    eventId: row.event_id,
    clientEventId: row.client_event_id,
    collectionId: row.collection_id,
    timestamp: Date.parse(row.occurred_at),
    parentQueryId: row.parent_query_id ?? undefined,
    traceId: row.trace_id ?? undefined,
    results: row.results,
    matchedById: row.matched_by_id,
    partition: row.partition,
  });
}

function generationOf(row: GenerationRow): GenerationRecord {
  return defined({
    orgId: row.org_id,
    eventId: row.event_id,
    clientEventId: row.client_event_id,
    runId: row.run_id ?? undefined,
    parentRunId: row.parent_run_id ?? undefined,
    traceId: row.trace_id ?? undefined,
    timestamp: Date.parse(row.occurred_at),
    outputText: row.output_text,
    retrievalEventIds: row.retrieval_event_ids,
    matchedById: row.matched_by_id,
    partition: row.partition,
  });
}

function contentOf(row: ContentRow): ContentRecord {
  return {
    orgId: row.org_id,
    collectionId: row.collection_id,
    vectorId: row.vector_id,
    content: row.content,
    observedAt: Date.parse(row.observed_at),
    partition: row.partition,
  };
}

/**
 * The correlation window in Postgres. A batch costs two statements: one loads every row its
 * events can reach (keys passed as arrays and joined through `unnest`), one writes every change —
 * both inside the consumer's transaction, next to its offsets. Both are prepared once per
 * connection: planning them costs more than running them for the small batches of a steady
 * stream, and their shape (index probes per key, see LOAD) suits any batch size.
 */
@Injectable()
export class CorrelationRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async load(client: PoolClient, keys: LookupKeys): Promise<LoadedState> {
    const { rows } = await client.query<LoadedRow>({
      name: 'correlation-load',
      text: LOAD,
      values: [
        orgs(keys.generationAnchors),
        values(keys.generationAnchors),
        orgs(keys.generationTraces),
        values(keys.generationTraces),
        orgs(keys.generationIds),
        values(keys.generationIds),
        orgs(keys.retrievalAnchors),
        values(keys.retrievalAnchors),
        orgs(keys.retrievalTraces),
        values(keys.retrievalTraces),
        orgs(keys.retrievalIds),
        values(keys.retrievalIds),
        keys.contentVectors.map((vector) => vector.orgId),
        keys.contentVectors.map((vector) => vector.collectionId),
        keys.contentVectors.map((vector) => vector.vectorId),
        keys.partitions,
      ],
    });
    const loaded = {
      retrievals: [] as RetrievalRecord[],
      generations: [] as GenerationRecord[],
      content: [] as ContentRecord[],
      clocks: new Map<number, number>(),
    };
    for (const loadedRow of rows) {
      if (loadedRow.kind === 'retrieval') loaded.retrievals.push(retrievalOf(loadedRow.row));
      else if (loadedRow.kind === 'generation') loaded.generations.push(generationOf(loadedRow.row));
      else if (loadedRow.kind === 'content') loaded.content.push(contentOf(loadedRow.row));
      else loaded.clocks.set(loadedRow.row.partition, Date.parse(loadedRow.row.clock));
    }
    return loaded;
  }

  /** Writes what a batch changed; runs in the consumer's transaction, with its offsets. */
  async save(client: PoolClient, changes: StateChanges): Promise<void> {
    const {
      newRetrievals: r,
      newGenerations: g,
      retrievalsMatchedById: m,
      updatedGenerations: u,
      content: c,
    } = changes;
    if (r.length + g.length + m.length + u.length + c.length + changes.clocks.size === 0) return;
    await client.query({
      name: 'correlation-save',
      text: SAVE,
      values: [
        r.map((row) => row.orgId),
        r.map((row) => row.eventId),
        r.map((row) => row.clientEventId),
        r.map((row) => row.collectionId),
        r.map((row) => iso(row.timestamp)),
        r.map((row) => row.parentQueryId ?? null),
        r.map((row) => row.traceId ?? null),
        r.map((row) => JSON.stringify(row.results)),
        r.map((row) => row.matchedById),
        r.map((row) => row.partition),
        g.map((row) => row.orgId),
        g.map((row) => row.eventId),
        g.map((row) => row.clientEventId),
        g.map((row) => row.runId ?? null),
        g.map((row) => row.parentRunId ?? null),
        g.map((row) => row.traceId ?? null),
        g.map((row) => iso(row.timestamp)),
        g.map((row) => row.outputText),
        g.map((row) => JSON.stringify(row.retrievalEventIds)),
        g.map((row) => row.matchedById),
        g.map((row) => row.partition),
        m.map((row) => row.orgId),
        m.map((row) => row.eventId),
        u.map((row) => row.orgId),
        u.map((row) => row.eventId),
        u.map((row) => JSON.stringify(row.retrievalEventIds)),
        u.map((row) => row.matchedById),
        c.map((row) => row.orgId),
        c.map((row) => row.collectionId),
        c.map((row) => row.vectorId),
        c.map((row) => row.content),
        c.map((row) => iso(row.observedAt)),
        c.map((row) => row.partition),
        [...changes.clocks.keys()],
        [...changes.clocks.values()].map(iso),
      ],
    });
  }

  /**
   * Deletes up to `limit` rows of `table` that are older than their partition's clock minus
   * `retentionMs`, oldest first, in a statement of its own: short, row-level locks only, never a table
   * lock. The `ORDER BY` is what keeps the planner on the (partition, time) index: with `LIMIT` alone it
   * expected to meet expired rows early in a sequential scan, and when a partition had none it read the
   * whole table, twelve times (2.2 s of a core per purge of a 475,000-row table, every 30 s).
   */
  async purge(table: PurgedTable, retentionMs: number, limit: number): Promise<number> {
    const { key, time } = PURGE_SHAPE[table];
    const { rowCount } = await this.pool.query(
      `WITH doomed AS (
         SELECT t.* FROM ${S}.partition_clocks p
         CROSS JOIN LATERAL (
           SELECT ${key.join(', ')} FROM ${S}.${table}
           WHERE partition = p.partition AND ${time} < p.clock - $1::double precision * interval '1 millisecond'
           ORDER BY ${time}
           LIMIT $2
         ) t
         LIMIT $2
       )
       DELETE FROM ${S}.${table} t USING doomed d WHERE ${key.map((column) => `t.${column} = d.${column}`).join(' AND ')}`,
      [retentionMs, limit],
    );
    return rowCount ?? 0;
  }
}
