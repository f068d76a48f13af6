import type { Pool, PoolClient } from '@cairn/pg';
import type { Metrics } from '@cairn/service-kit';

/** A chain follower's progress: `table(org_id, column)` is the seq it has handled each chain up to. */
export interface ProgressTable {
  table: 'projections.progress' | 'ledger.publication';
  column: 'projected_seq' | 'published_seq';
}

export const PROJECTION_PROGRESS: ProgressTable = { table: 'projections.progress', column: 'projected_seq' };
export const PUBLICATION_PROGRESS: ProgressTable = { table: 'ledger.publication', column: 'published_seq' };

/** Organizations whose chain is ahead of the follower's progress: one cheap join over the heads. */
export async function laggingOrganizations(pool: Pool, progress: ProgressTable, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ org_id: string }>(
    `SELECT h.org_id FROM ledger.heads h LEFT JOIN ${progress.table} p USING (org_id)
     WHERE h.seq > coalesce(p.${progress.column}, 0) ORDER BY h.org_id LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.org_id);
}

/** Entries in the ledger, and entries the follower has handled, over every organization. */
export async function progressTotals(pool: Pool, progress: ProgressTable): Promise<{ ledger: number; done: number }> {
  const { rows } = await pool.query<{ ledger: string; done: string }>(
    `SELECT (SELECT coalesce(sum(seq), 0) FROM ledger.heads) AS ledger,
            (SELECT coalesce(sum(${progress.column}), 0) FROM ${progress.table}) AS done`,
  );
  return { ledger: Number(rows[0]?.ledger ?? 0), done: Number(rows[0]?.done ?? 0) };
}

export interface ClaimedEntries<TRecord> {
  /** The seq the follower has handled the chain up to. */
  progressSeq: number;
  /** The next entries after it, in seq order. */
  records: TRecord[];
}

/**
 * Locks the organization's progress row for this transaction (`FOR UPDATE SKIP LOCKED`, so replicas and
 * the rebuild command share organizations without doing anything twice) and reads up to `limit` entries
 * after it, `columns` of each (`seq` among them), in one round trip; undefined when another follower holds it.
 */
export async function claimEntries<TRecord extends { seq: string }>(
  client: PoolClient,
  progress: ProgressTable,
  orgId: string,
  columns: string,
  limit: number,
): Promise<ClaimedEntries<TRecord> | undefined> {
  // With no entries after the progress, the one row has nulls for every entry column.
  const { rows } = await client.query<{ progress_seq: string; seq: string | null }>(
    `WITH claimed AS (SELECT ${progress.column} AS progress_seq FROM ${progress.table} WHERE org_id = $1 FOR UPDATE SKIP LOCKED)
     SELECT c.progress_seq, e.* FROM claimed c LEFT JOIN LATERAL (
       SELECT ${columns} FROM ledger.entries WHERE org_id = $1 AND seq > c.progress_seq ORDER BY seq LIMIT $2
     ) e ON true ORDER BY e.seq`,
    [orgId, limit],
  );
  if (rows.length === 0) {
    // No progress yet, or another follower holds it: a row this transaction inserts is its own.
    const inserted = await client.query(
      `INSERT INTO ${progress.table} (org_id, ${progress.column}) VALUES ($1, 0) ON CONFLICT (org_id) DO NOTHING`,
      [orgId],
    );
    return inserted.rowCount === 1 ? claimEntries(client, progress, orgId, columns, limit) : undefined;
  }
  return {
    progressSeq: Number(rows[0]!.progress_seq),
    // The entry columns are the selected `columns`, whose shape the caller names.
    records: rows.flatMap(({ progress_seq: _, ...record }) =>
      record.seq === null ? [] : [record as unknown as TRecord],
    ),
  };
}

/** Registers a gauge of the entries a follower has not handled yet, over every organization. */
export function progressLagGauge(metrics: Metrics, pool: Pool, progress: ProgressTable, name: string, help: string) {
  metrics.gauge(name, help, [], async (gauge) => {
    const { ledger, done } = await progressTotals(pool, progress).catch(() => ({ ledger: NaN, done: NaN }));
    gauge.set(ledger - done); // NaN while Postgres cannot answer
  });
}
