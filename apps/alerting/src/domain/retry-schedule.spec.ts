import { afterFailure, retryDelayMs, type RetryPolicy } from './retry-schedule';

const HOUR = 3_600_000;
const policy: RetryPolicy = { baseDelayMs: 10_000, maxDelayMs: HOUR, retryForMs: 24 * HOUR };
const middle = () => 0.5;

describe('retryDelayMs', () => {
  it('grows threefold from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 30].map((attempt) => retryDelayMs(attempt, policy, middle))).toEqual([
      10_000,
      30_000,
      90_000,
      270_000,
      810_000,
      2_430_000,
      HOUR,
      HOUR,
      HOUR,
    ]);
  });

  it('spreads retries by ±20 % and never beyond the cap', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, policy, () => 1)).toBe(12_000);
    expect(retryDelayMs(6, policy, () => 0)).toBe(1_944_000);
    expect(retryDelayMs(6, policy, () => 1)).toBe(2_916_000);
    expect(retryDelayMs(7, policy, () => 0)).toBe(HOUR);
  });

  it('scales with the base, so tests can retry in milliseconds', () => {
    const fast = { baseDelayMs: 200, maxDelayMs: 2_000, retryForMs: 60_000 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, fast, middle))).toEqual([200, 600, 1_800, 2_000]);
  });
});

describe('afterFailure', () => {
  it('keeps retrying for the whole retry period, then gives up', () => {
    expect(afterFailure(1, 0, policy, middle)).toEqual({ retryInMs: 10_000 });
    expect(afterFailure(25, 24 * HOUR - 1, policy, middle)).toEqual({ retryInMs: HOUR });
    expect(afterFailure(26, 24 * HOUR, policy, middle)).toEqual({ giveUp: true });
  });

  it('attempts for at least 24 hours with the default policy, about thirty times', () => {
    let age = 0;
    let attempts = 0;
    for (let step = afterFailure(1, 0, policy, middle); 'retryInMs' in step;) {
      attempts += 1;
      age += step.retryInMs;
      step = afterFailure(attempts + 1, age, policy, middle);
    }
    expect(age).toBeGreaterThanOrEqual(24 * HOUR);
    expect(age).toBeLessThan(25 * HOUR);
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(35);
  });
});
