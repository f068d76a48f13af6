import {
  describeProgress,
  isReplayGroup,
  parseInstant,
  parseReplayStart,
  positionKey,
  progressOf,
  replaySuffix,
  type PartitionRange,
} from './replay-plan';

const range = (partition: number, from: bigint, target: bigint): PartitionRange => ({
  groupId: 'matcher',
  topic: 'cairn.correlations.v1',
  partition,
  from,
  target,
});

describe('replay plan', () => {
  it('accepts earliest and instants with a zone, and refuses the rest naming the option', () => {
    expect(parseReplayStart('earliest')).toBe('earliest');
    expect(parseReplayStart('2026-11-22T08:00:00+01:00')).toEqual(new Date('2026-11-22T07:00:00Z'));
    expect(() => parseReplayStart('2026-11-22T08:00:00')).toThrow(/--from must be an ISO 8601 instant with a zone/);
    expect(() => parseInstant('--to', 'yesterday')).toThrow(/--to .*"yesterday"/);
    expect(() => parseInstant('--to', '2026-13-45T99:00:00Z')).toThrow(/--to/);
  });

  it('names replay groups so they are told apart from the service’s own', () => {
    const suffix = replaySuffix(new Date('2026-11-22T03:04:05.678Z'));
    expect(suffix).toBe('.replay-20261122T030405Z');
    expect(isReplayGroup(`alerting-alerts${suffix}`)).toBe(true);
    expect(isReplayGroup('alerting-alerts')).toBe(false);
    expect(isReplayGroup('matcher.replay-later')).toBe(false);
  });

  it('counts progress per partition, clamped to its range', () => {
    const ranges = [range(0, 10n, 20n), range(1, 5n, 5n), range(2, 0n, 100n)];
    const stored = new Map([
      [positionKey(ranges[0]!), 15n],
      [positionKey(ranges[2]!), 250n], // beyond the target: the copy passed over newer messages
    ]);
    expect(progressOf(ranges, stored)).toEqual({ done: 105n, total: 110n, finished: false });
    stored.set(positionKey(ranges[0]!), 20n);
    expect(progressOf(ranges, stored)).toEqual({ done: 110n, total: 110n, finished: true });
  });

  it('reads a position behind the start (in place, before the service restarts) as nothing done', () => {
    const ranges = [range(0, 10n, 20n)];
    expect(progressOf(ranges, new Map([[positionKey(ranges[0]!), 3n]]))).toMatchObject({ done: 0n, finished: false });
  });

  it('describes progress for an operator', () => {
    expect(describeProgress('matcher', { done: 1_234n, total: 10_000n, finished: false })).toBe(
      'matcher replay: 1,234 / 10,000 messages (12.3 %)',
    );
    expect(describeProgress('matcher', { done: 0n, total: 0n, finished: true })).toContain('(100.0 %)');
  });
});
