import { topicOf, type EventOf, type EventType, type PayloadOf } from './registry';
import type { TopicName } from './topics';

export interface NewEvent<TType extends EventType> {
  id: string;
  type: TType;
  orgId: string;
  occurredAt: string;
  payload: PayloadOf<TType>;
  correlationId?: string;
  causationId?: string;
}

/** Builds an envelope, stamping `recordedAt` with the injected clock. */
export function createEvent<TType extends EventType>(input: NewEvent<TType>, now: Date = new Date()): EventOf<TType> {
  const event = { ...input, recordedAt: now.toISOString() };
  if (event.correlationId === undefined) delete event.correlationId;
  if (event.causationId === undefined) delete event.causationId;
  return event as unknown as EventOf<TType>;
}

export function topicFor(event: { type: EventType }): TopicName {
  return topicOf(event.type);
}
