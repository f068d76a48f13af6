import { outcomeName } from './delivery-outcome';

describe('outcomeName', () => {
  it('names a 2xx delivered, a failure with another try retrying, and one given up failed', () => {
    expect(outcomeName({ delivered: true })).toBe('delivered');
    expect(outcomeName({ retryInMs: 10_000 })).toBe('retrying');
    expect(outcomeName({ giveUp: true })).toBe('failed');
  });
});
