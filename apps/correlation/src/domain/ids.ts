import { deterministicId } from '@cairn/contracts';

/**
 * The id of a `generation.correlated.v1`: derived from the organization, the generation and the
 * set of retrievals it joins (order-free), so a redelivery or a replay that reaches the same join
 * yields the same id and downstream stores drop the repeat, while a further retrieval joining the
 * same generation yields a new one.
 */
export function correlationEventId(
  orgId: string,
  generationEventId: string,
  retrievalEventIds: readonly string[],
): string {
  const retrievals = [...new Set(retrievalEventIds)].sort();
  return deterministicId('generation.correlated.v1', orgId, generationEventId, ...retrievals);
}
