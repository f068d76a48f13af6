import { createEvent, deterministicId, type CairnEvent, type EventOf } from '@cairn/contracts';
import type { StoredEntry } from './chain-append';

/**
 * The public copy of one appended entry on `cairn.ledger.v1`. Its id is derived from the chain
 * position, so re-publishing an entry (a retried transaction) yields the same id.
 */
export function ledgerAppendedEvent(
  orgId: string,
  entry: StoredEntry,
  source: CairnEvent,
  now: Date,
): EventOf<'ledger.appended.v1'> {
  return createEvent(
    {
      id: deterministicId(orgId, 'ledger', String(entry.seq)),
      type: 'ledger.appended.v1',
      orgId,
      occurredAt: now.toISOString(),
      correlationId: source.correlationId,
      causationId: source.id,
      payload: {
        seq: entry.seq,
        eventId: entry.eventId,
        type: entry.type,
        occurredAt: entry.occurredAt,
        payload: source.payload,
        prevHash: entry.prevHash,
        hash: entry.hash,
      },
    },
    now,
  );
}
