import { createEvent, deterministicId, type EventOf } from '@cairn/contracts';
import { parseStoredEntry, type StoredRow } from './chain-verification';

/** A stored entry with what its public copy needs besides the chained text. */
export interface PublishableRow extends StoredRow {
  /** The source event's correlation id, kept beside the entry (it is not part of what is hashed). */
  correlationId: string | null;
}

/**
 * The public copy of one appended entry on `cairn.ledger.v1`, built from the stored row: the payload is
 * taken from the hashed text, so consumers get exactly what was chained. Its id is derived from the
 * chain position, so publishing an entry again (after a crash before its progress was stored) yields
 * the same id.
 */
export function ledgerAppendedEvent(orgId: string, row: PublishableRow, now: Date): EventOf<'ledger.appended.v1'> {
  return createEvent(
    {
      id: deterministicId(orgId, 'ledger', String(row.seq)),
      type: 'ledger.appended.v1',
      orgId,
      occurredAt: now.toISOString(),
      correlationId: row.correlationId ?? undefined,
      causationId: row.eventId,
      payload: {
        seq: row.seq,
        eventId: row.eventId,
        type: row.type,
        occurredAt: row.occurredAt,
        payload: parseStoredEntry(row.canonical).payload,
        prevHash: row.prevHash,
        hash: row.hash,
      },
    },
    now,
  );
}
