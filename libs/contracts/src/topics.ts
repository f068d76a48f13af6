/** Every Kafka topic Cairn uses. All share one partition count and are keyed by organization id. */
export const Topics = {
  ingest: 'cairn.ingest.v1',
  vectors: 'cairn.vectors.v1',
  access: 'cairn.access.v1',
  correlations: 'cairn.correlations.v1',
  citations: 'cairn.citations.v1',
  alerts: 'cairn.alerts.v1',
  ledger: 'cairn.ledger.v1',
  dlq: 'cairn.dlq.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** Topics whose events are domain facts recorded in the audit ledger. */
export const DOMAIN_TOPICS: readonly TopicName[] = [
  Topics.ingest,
  Topics.vectors,
  Topics.access,
  Topics.correlations,
  Topics.citations,
  Topics.alerts,
];

export const DEFAULT_PARTITION_COUNT = 12;
