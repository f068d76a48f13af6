import type { StoredRow } from '../domain/chain-verification';

/** A `ledger.entries` row as selected with ENTRY_COLUMNS (bigint as text). */
export interface EntryRecord {
  seq: string;
  event_id: string;
  type: string;
  occurred_at: string;
  canonical: string;
  prev_hash: string;
  hash: string;
}

export const ENTRY_COLUMNS = 'seq, event_id, type, occurred_at, canonical, prev_hash, hash';

export function toStoredRow(row: EntryRecord): StoredRow {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at,
    canonical: row.canonical,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
