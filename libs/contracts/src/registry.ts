import type { Static, TObject } from '@sinclair/typebox';
import { Topics, type TopicName } from './topics';
import { ApiKeyCreatedEvent, ApiKeyRevokedEvent, OrgCreatedEvent } from './events/access';
import { AlertRaisedEvent } from './events/alert-raised';
import { CitationDetectedEvent } from './events/citation-detected';
import { GenerationCorrelatedEvent } from './events/generation-correlated';
import { GenerationRecordedEvent } from './events/generation-recorded';
import { LedgerAppendedEvent } from './events/ledger-appended';
import { MessageDeadLetteredEvent } from './events/message-dead-lettered';
import { RetrievalRecordedEvent } from './events/retrieval-recorded';
import { SpanRecordedEvent } from './events/span-recorded';
import { VectorApprovedEvent, VectorQuarantinedEvent, VectorReleasedEvent } from './events/vector-state';

/** Each event type, its envelope schema, and the one topic it is published on. */
export const EVENT_REGISTRY = {
  'retrieval.recorded.v1': { schema: RetrievalRecordedEvent, topic: Topics.ingest },
  'generation.recorded.v1': { schema: GenerationRecordedEvent, topic: Topics.ingest },
  'span.recorded.v1': { schema: SpanRecordedEvent, topic: Topics.ingest },
  'vector.quarantined.v1': { schema: VectorQuarantinedEvent, topic: Topics.vectors },
  'vector.released.v1': { schema: VectorReleasedEvent, topic: Topics.vectors },
  'vector.approved.v1': { schema: VectorApprovedEvent, topic: Topics.vectors },
  'org.created.v1': { schema: OrgCreatedEvent, topic: Topics.access },
  'apikey.created.v1': { schema: ApiKeyCreatedEvent, topic: Topics.access },
  'apikey.revoked.v1': { schema: ApiKeyRevokedEvent, topic: Topics.access },
  'generation.correlated.v1': { schema: GenerationCorrelatedEvent, topic: Topics.correlations },
  'citation.detected.v1': { schema: CitationDetectedEvent, topic: Topics.citations },
  'alert.raised.v1': { schema: AlertRaisedEvent, topic: Topics.alerts },
  'ledger.appended.v1': { schema: LedgerAppendedEvent, topic: Topics.ledger },
  'message.dead-lettered.v1': { schema: MessageDeadLetteredEvent, topic: Topics.dlq },
} as const satisfies Record<string, { schema: TObject; topic: TopicName }>;

type Registry = typeof EVENT_REGISTRY;
export type EventType = keyof Registry;
/** The full message (envelope + payload) of one event type. */
export type EventOf<TType extends EventType> = Static<Registry[TType]['schema']>;
export type PayloadOf<TType extends EventType> = EventOf<TType>['payload'];
/** Any Cairn event, discriminated by `type`. */
export type CairnEvent = { [TType in EventType]: EventOf<TType> }[EventType];

export const EVENT_TYPES = Object.keys(EVENT_REGISTRY) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_REGISTRY, type);
}

export function topicOf(type: EventType): TopicName {
  return EVENT_REGISTRY[type].topic;
}
