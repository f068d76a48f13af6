import type { Pool } from '@cairn/pg';

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
