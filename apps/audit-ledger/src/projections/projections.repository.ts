import { Inject, Injectable } from '@nestjs/common';
import { withTransaction, type Pool, type PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import type { ProjectionBatch } from '../domain/projection';
import { claimEntries, laggingOrganizations, PROJECTION_PROGRESS, progressTotals } from '../ledger/chain-progress';
import { PROJECTION_TABLES } from '../migrations';

interface Column<TRow> {
  name: string;
  type: string;
  value: (row: TRow) => unknown;
}

/**
 * One batch's writes as a single statement: an `INSERT … SELECT FROM unnest(…)` per table as data-modifying
 * CTEs, then the final statement. One round trip, where a table at a time would cost one each.
 * Conflict clauses refer to the existing row as `t`.
 */
class BatchStatement {
  private readonly ctes: string[] = [];
  readonly params: unknown[];

  constructor(orgId: string) {
    this.params = [orgId];
  }

  insert<TRow>(table: string, columns: Column<TRow>[], rows: readonly TRow[], onConflict: string): this {
    if (rows.length === 0) return this;
    const names = columns.map((column) => column.name).join(', ');
    const arrays = columns.map((column) => {
      this.params.push(rows.map(column.value));
      return `$${this.params.length}::${column.type}[]`;
    });
    this.ctes.push(
      `${table} AS (INSERT INTO projections.${table} AS t (org_id, ${names}) ` +
        `SELECT $1, * FROM unnest(${arrays.join(', ')}) ${onConflict})`,
    );
    return this;
  }

  /** `final` may use `$1` (the organization) and `$next` (a parameter it passes). */
  sql(final: string, next: unknown): { text: string; values: unknown[] } {
    this.params.push(next);
    const text = final.replace('$next', `$${this.params.length}`);
    return { text: this.ctes.length === 0 ? text : `WITH ${this.ctes.join(',\n')}\n${text}`, values: this.params };
  }
}

export interface ClaimedBatch {
  projectedSeq: number;
  /** The next entries after `projectedSeq`, in seq order. */
  entries: { seq: number; canonical: string }[];
}

export interface RebuildRecord {
  id: number;
  startedAt: Date;
  entries: number;
}

/** SQL for the read models and the projector's progress. */
@Injectable()
export class ProjectionsRepository {
  constructor(@Inject(PG_POOL) readonly pool: Pool) {}

  /** Organizations whose chain is ahead of their projection. */
  laggingOrganizations(limit: number): Promise<string[]> {
    return laggingOrganizations(this.pool, PROJECTION_PROGRESS, limit);
  }

  /** Claims the organization's projection progress and reads the entries after it (see `claimEntries`). */
  async claimBatch(client: PoolClient, orgId: string, limit: number): Promise<ClaimedBatch | undefined> {
    const claimed = await claimEntries<{ seq: string; canonical: string }>(
      client,
      PROJECTION_PROGRESS,
      orgId,
      'seq, canonical',
      limit,
    );
    return (
      claimed && {
        projectedSeq: claimed.progressSeq,
        entries: claimed.records.map((record) => ({ seq: Number(record.seq), canonical: record.canonical })),
      }
    );
  }

  /**
   * Applies one batch and advances the organization's progress to `projectedSeq`, in one statement. The
   * merge rules mirror `projectEntries`: earliest wins for first-seen facts, latest for state.
   */
  async applyBatch(client: PoolClient, orgId: string, batch: ProjectionBatch, projectedSeq: number): Promise<void> {
    const statement = new BatchStatement(orgId)
      .insert(
        'traces',
        [
          { name: 'trace_id', type: 'text', value: (row) => row.traceId },
          { name: 'vendor', type: 'text', value: (row) => row.vendor },
          { name: 'name', type: 'text', value: (row) => row.name },
          { name: 'started_at', type: 'timestamptz', value: (row) => row.startedAt },
          { name: 'ended_at', type: 'timestamptz', value: (row) => row.endedAt },
          { name: 'first_seq', type: 'bigint', value: (row) => row.firstSeq },
        ],
        batch.traces,
        // Only rows that change are rewritten (a trace's later events often move none of these).
        `ON CONFLICT (org_id, trace_id) DO UPDATE SET
           name = coalesce(t.name, excluded.name),
           started_at = least(t.started_at, excluded.started_at),
           ended_at = greatest(t.ended_at, excluded.ended_at)
         WHERE (t.name IS NULL AND excluded.name IS NOT NULL)
            OR excluded.started_at < t.started_at OR (t.started_at IS NULL AND excluded.started_at IS NOT NULL)
            OR excluded.ended_at > t.ended_at OR (t.ended_at IS NULL AND excluded.ended_at IS NOT NULL)`,
      )
      .insert(
        'trace_members',
        [
          { name: 'trace_id', type: 'text', value: (row) => row.traceId },
          { name: 'kind', type: 'text', value: (row) => row.kind },
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
        ],
        batch.traceMembers,
        'ON CONFLICT DO NOTHING',
      )
      .insert(
        'spans',
        [
          { name: 'trace_id', type: 'text', value: (row) => row.traceId },
          { name: 'span_id', type: 'text', value: (row) => row.spanId },
          { name: 'parent_span_id', type: 'text', value: (row) => row.parentSpanId },
          { name: 'started_at', type: 'timestamptz', value: (row) => row.startedAt },
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
        ],
        batch.spans,
        `ON CONFLICT (org_id, trace_id, span_id) DO UPDATE SET
           parent_span_id = excluded.parent_span_id, started_at = excluded.started_at,
           event_id = excluded.event_id, seq = excluded.seq`,
      )
      .insert(
        'retrievals',
        [
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
          { name: 'client_event_id', type: 'text', value: (row) => row.clientEventId },
          { name: 'trace_id', type: 'text', value: (row) => row.traceId },
          { name: 'collection_id', type: 'text', value: (row) => row.collectionId },
        ],
        batch.retrievals,
        'ON CONFLICT DO NOTHING',
      )
      .insert(
        'generations',
        [
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
          { name: 'client_event_id', type: 'text', value: (row) => row.clientEventId },
        ],
        batch.generations,
        'ON CONFLICT DO NOTHING',
      )
      .insert(
        'correlations',
        [
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
          { name: 'generation_event_id', type: 'text', value: (row) => row.generationEventId },
        ],
        batch.correlations,
        'ON CONFLICT DO NOTHING',
      )
      .insert(
        'citations',
        [
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
          { name: 'generation_event_id', type: 'text', value: (row) => row.generationEventId },
          { name: 'collection_id', type: 'text', value: (row) => row.collectionId },
          { name: 'vector_id', type: 'text', value: (row) => row.vectorId },
        ],
        batch.citations,
        'ON CONFLICT DO NOTHING',
      )
      .insert(
        'alerts',
        [
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
          { name: 'alert_type', type: 'text', value: (row) => row.alertType },
          { name: 'collection_id', type: 'text', value: (row) => row.collectionId },
          { name: 'vector_id', type: 'text', value: (row) => row.vectorId },
          { name: 'occurred_at', type: 'timestamptz', value: (row) => row.occurredAt },
        ],
        batch.alerts,
        'ON CONFLICT DO NOTHING',
      )
      .insert(
        'quarantine',
        [
          { name: 'collection_id', type: 'text', value: (row) => row.collectionId },
          { name: 'vector_id', type: 'text', value: (row) => row.vectorId },
          { name: 'state', type: 'text', value: (row) => row.state },
          { name: 'reason', type: 'text', value: (row) => row.reason },
          { name: 'actor', type: 'text', value: (row) => row.actor },
          { name: 'changed_at', type: 'text', value: (row) => row.changedAt },
          { name: 'event_id', type: 'text', value: (row) => row.eventId },
          { name: 'seq', type: 'bigint', value: (row) => row.seq },
        ],
        batch.quarantine,
        `ON CONFLICT (org_id, collection_id, vector_id) DO UPDATE SET
           state = excluded.state, reason = excluded.reason, actor = excluded.actor,
           changed_at = excluded.changed_at, event_id = excluded.event_id, seq = excluded.seq`,
      );
    const { text, values } = statement.sql(
      'UPDATE projections.progress SET projected_seq = $next WHERE org_id = $1',
      projectedSeq,
    );
    await client.query(text, values);
  }

  /** Entries in the ledger and entries projected, over every organization. */
  async totals(): Promise<{ ledger: number; projected: number }> {
    const { ledger, done } = await progressTotals(this.pool, PROJECTION_PROGRESS);
    return { ledger, projected: done };
  }

  async unfinishedRebuild(): Promise<RebuildRecord | undefined> {
    const { rows } = await this.pool.query<{ id: string; started_at: Date; entries: string }>(
      'SELECT id, started_at, entries FROM projections.rebuilds WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1',
    );
    const row = rows[0];
    return row && { id: Number(row.id), startedAt: row.started_at, entries: Number(row.entries) };
  }

  /**
   * Empties every projection and its progress in one transaction and records the rebuild: the
   * projector then builds everything again from seq 1. Waits for projector transactions in flight.
   */
  async startRebuild(): Promise<RebuildRecord> {
    return withTransaction(this.pool, async (client) => {
      await client.query(`TRUNCATE ${PROJECTION_TABLES.map((table) => `projections.${table}`).join(', ')}`);
      const { rows } = await client.query<{ id: string; started_at: Date; entries: string }>(
        `INSERT INTO projections.rebuilds (entries) SELECT coalesce(sum(seq), 0) FROM ledger.heads
         RETURNING id, started_at, entries`,
      );
      const row = rows[0]!;
      return { id: Number(row.id), startedAt: row.started_at, entries: Number(row.entries) };
    });
  }

  async finishRebuild(id: number): Promise<void> {
    await this.pool.query('UPDATE projections.rebuilds SET finished_at = now() WHERE id = $1', [id]);
  }
}
