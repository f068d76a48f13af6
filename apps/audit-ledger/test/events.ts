import { deterministicId, type EventOf } from '@cairn/contracts';
import { event } from './harness';

/**
 * Test events that no other Cairn service reacts to on the shared broker (no retrieval and generation
 * that correlate, no quarantined vector that is served or cited), so an organization's chain holds
 * exactly what a test published.
 */
export const COLLECTION = '00000000-0000-0000-0000-0000000000aa';

export const eventId = (orgId: string, name: string) => deterministicId(orgId, 'audit-ledger-test', name);

export function spanEvent(
  orgId: string,
  name: string,
  overrides: Partial<EventOf<'span.recorded.v1'>['payload']> = {},
): EventOf<'span.recorded.v1'> {
  return event({
    id: eventId(orgId, name),
    type: 'span.recorded.v1',
    orgId,
    occurredAt: '2026-04-18T14:22:18.015Z',
    payload: {
      source: 'parea',
      traceId: `trace-${name}`,
      spanId: `span-${name}`,
      kind: 'chain',
      name,
      startTime: '2026-04-18T14:22:18.015Z',
      originalIds: {},
      ...overrides,
    },
  });
}

export function vectorDecision(
  orgId: string,
  name: string,
  type: 'vector.quarantined.v1' | 'vector.released.v1' | 'vector.approved.v1',
  vectorId: string,
  occurredAt = '2026-04-18T14:22:18.015Z',
): EventOf<'vector.quarantined.v1'> {
  return event({
    id: eventId(orgId, name),
    type,
    orgId,
    occurredAt,
    payload: { collectionId: COLLECTION, vectorId, reason: `${name} decision`, actor: 'ck_test' },
  }) as EventOf<'vector.quarantined.v1'>;
}

export function alertEvent(
  orgId: string,
  name: string,
  alertType: 'SERVED_FLAGGED' | 'CITED_FLAGGED',
  vectorId: string,
  occurredAt: string,
): EventOf<'alert.raised.v1'> {
  return event({
    id: eventId(orgId, name),
    type: 'alert.raised.v1',
    orgId,
    occurredAt,
    payload: {
      alertType,
      collectionId: COLLECTION,
      vectorId,
      quarantineReason: 'test',
      ...(alertType === 'SERVED_FLAGGED'
        ? { retrieval: { eventId: eventId(orgId, `${name}-retrieval`), clientEventId: `${name}-retrieval` } }
        : { generation: { eventId: eventId(orgId, `${name}-generation`), clientEventId: `${name}-generation` } }),
    },
  });
}
