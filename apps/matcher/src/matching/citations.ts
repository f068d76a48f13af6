import { createHash } from 'node:crypto';
import { createEvent, deterministicId, type EventOf } from '@cairn/contracts';
import {
  DEFAULT_MATCHER_CONFIG,
  matchCitations,
  MATCHER_VERSION,
  resolveMatcherConfig,
  type MatcherConfig,
} from '@cairn/matching';

type Correlation = EventOf<'generation.correlated.v1'>;
type CitationEvent = EventOf<'citation.detected.v1'>;

export interface MatchOutcome {
  citations: CitationEvent[];
  /** Vectors whose content Cairn has never seen: counted, not matched. */
  unknownContent: number;
  matched: number;
}

/**
 * The version citations are stamped with: the algorithm's version, plus a digest of the
 * thresholds when they differ from the defaults — so a replay after a threshold change yields
 * citations with new ids instead of being dropped as repeats.
 */
export function effectiveMatcherVersion(overrides: Partial<MatcherConfig>): string {
  const resolved = resolveMatcherConfig(overrides);
  if (JSON.stringify(resolved) === JSON.stringify(DEFAULT_MATCHER_CONFIG)) return MATCHER_VERSION;
  return `${MATCHER_VERSION}+${createHash('sha256').update(JSON.stringify(resolved)).digest('hex').slice(0, 8)}`;
}

const vectorKey = (collectionId: string, vectorId: string) => `${collectionId}\u0000${vectorId}`;

/**
 * The citations a correlated generation makes. Ids derive from the generation, the vector and the
 * matcher version: a redelivery or a later correlation of the same generation yields the same
 * ids (dropped downstream), while a replay after a threshold change yields new-version citations.
 */
export function citationsFor(
  correlation: Correlation,
  config: Partial<MatcherConfig>,
  version: string,
  now: Date,
): MatchOutcome {
  const { generation, vectors } = correlation.payload;
  const byKey = new Map<string, (typeof vectors)[number] & { content: string }>();
  let unknownContent = 0;
  for (const vector of vectors) {
    if (vector.content === undefined) {
      unknownContent += 1;
      continue;
    }
    const key = vectorKey(vector.collectionId, vector.vectorId);
    if (!byKey.has(key)) byKey.set(key, { ...vector, content: vector.content });
  }
  const inputs = [...byKey].map(([id, vector]) => ({ id, content: vector.content }));
  const citations = matchCitations(generation.outputText, inputs, config).map((citation) => {
    const vector = byKey.get(citation.vectorId)!;
    return createEvent(
      {
        id: deterministicId(
          correlation.orgId,
          'citation',
          generation.eventId,
          vector.collectionId,
          vector.vectorId,
          version,
        ),
        type: 'citation.detected.v1',
        orgId: correlation.orgId,
        occurredAt: generation.timestamp,
        correlationId: correlation.correlationId,
        causationId: correlation.id,
        payload: {
          generation: {
            eventId: generation.eventId,
            clientEventId: generation.clientEventId,
            ...(generation.runId === undefined ? {} : { runId: generation.runId }),
            ...(generation.parentRunId === undefined ? {} : { parentRunId: generation.parentRunId }),
          },
          collectionId: vector.collectionId,
          vectorId: vector.vectorId,
          retrievalEventId: vector.retrievalEventId,
          tier: citation.tier,
          score: citation.score,
          spans: citation.spans.map(({ start, end }) => ({ start, end })),
          matcherVersion: version,
        },
      },
      now,
    );
  });
  return { citations, unknownContent, matched: inputs.length };
}
