import type { NextStep } from './retry-schedule';

/** What one delivery attempt came to: a 2xx, or what follows a failure. */
export type DeliveryOutcome = { delivered: true } | NextStep;

/**
 * The outcome's name, in metrics and in `alerting.deliveries.status`: `delivered` and `failed` (given up)
 * close the delivery under that status; `retrying` leaves it pending for another attempt.
 */
export const OUTCOME_NAMES = ['delivered', 'retrying', 'failed'] as const;
export type OutcomeName = (typeof OUTCOME_NAMES)[number];

export function outcomeName(outcome: DeliveryOutcome): OutcomeName {
  if ('delivered' in outcome) return 'delivered';
  return 'giveUp' in outcome ? 'failed' : 'retrying';
}
