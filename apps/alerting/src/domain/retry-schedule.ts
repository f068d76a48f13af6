/** How a failing webhook delivery is retried. */
export interface RetryPolicy {
  /** Delay after the first failure; each later one is three times the previous. */
  baseDelayMs: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
  /** A delivery still failing this long after it was queued is marked failed. */
  retryForMs: number;
}

export type NextStep = { retryInMs: number } | { giveUp: true };

const GROWTH = 3;
/** ±20 %: deliveries that failed together (a receiver outage) do not all come back at once. */
const JITTER = 0.2;

/**
 * The delay after the `failedAttempts`-th failure: base × 3^(n−1) with jitter, capped — with a
 * 10 s base, about 10 s, 30 s, 90 s, 4.5 min, 13.5 min, 40 min, then hourly.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const nominal = policy.baseDelayMs * GROWTH ** Math.min(exponent, 64);
  const jittered = nominal * (1 - JITTER + 2 * JITTER * random());
  return Math.max(1, Math.round(Math.min(jittered, policy.maxDelayMs)));
}

/** What follows a failed attempt of a delivery queued `ageMs` ago: another try, or giving up. */
export function afterFailure(
  failedAttempts: number,
  ageMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): NextStep {
  if (ageMs >= policy.retryForMs) return { giveUp: true };
  return { retryInMs: retryDelayMs(failedAttempts, policy, random) };
}
