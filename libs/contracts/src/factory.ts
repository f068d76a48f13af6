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

/**
 * Builds an envelope, stamping `recordedAt` with the injected clock. Absent ids are left out
 * rather than deleted: `delete` turns the object into a slow dictionary for the validator and
 * JSON.stringify that every published event goes through.
 */
export function createEvent<TType extends EventType>(input: NewEvent<TType>, now: Date = new Date()): EventOf<TType> {
  const event: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== undefined) event[key] = value;
  event.recordedAt = now.toISOString();
  return event as unknown as EventOf<TType>;
}

export function topicFor(event: { type: EventType }): TopicName {
  return topicOf(event.type);
}
