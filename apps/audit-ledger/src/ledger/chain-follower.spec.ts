import { assertContiguous, ChainFollower } from './chain-follower';

/** Chains as head seqs, progress per organization, and batches of at most `batch` entries. */
class InMemoryFollower extends ChainFollower {
  readonly progress = new Map<string, number>();
  readonly failing = new Set<string>();
  readonly errors: string[] = [];

  constructor(
    private readonly heads: Map<string, number>,
    private readonly batch: number,
  ) {
    super({ concurrency: 2, onError: (orgId) => this.errors.push(orgId) });
  }

  protected laggingOrganizations(limit: number): Promise<string[]> {
    return Promise.resolve(
      [...this.heads]
        .filter(([orgId, head]) => head > (this.progress.get(orgId) ?? 0))
        .map(([orgId]) => orgId)
        .slice(0, limit),
    );
  }

  protected async nextBatch(orgId: string): Promise<number> {
    await Promise.resolve();
    if (this.failing.has(orgId)) throw new Error(`${orgId} fails`);
    const from = this.progress.get(orgId) ?? 0;
    const count = Math.min(this.batch, (this.heads.get(orgId) ?? 0) - from);
    this.progress.set(orgId, from + count);
    return count;
  }
}

describe('ChainFollower', () => {
  it('brings every organization up to its head, a batch at a time, and counts the entries', async () => {
    const follower = new InMemoryFollower(
      new Map([
        ['a', 2_500],
        ['b', 10],
        ['c', 0],
      ]),
      1_000,
    );
    const batches: number[] = [];
    expect(await follower.catchUp((entries) => batches.push(entries))).toBe(2_510);
    expect(Object.fromEntries(follower.progress)).toEqual({ a: 2_500, b: 10 });
    expect(batches.sort((x, y) => x - y)).toEqual([10, 500, 1_000, 1_000]);
  });

  it('reports a failing organization and leaves it for later while the others go on', async () => {
    const follower = new InMemoryFollower(
      new Map([
        ['a', 5],
        ['b', 7],
      ]),
      3,
    );
    follower.failing.add('a');
    expect(await follower.catchUp()).toBe(7);
    expect(follower.errors).toEqual(['a']);
    // Within the backoff, the failed organization is not tried again.
    follower.failing.delete('a');
    expect(await follower.catchUp()).toBe(0);
    expect(follower.progress.get('a')).toBeUndefined();
  });

  it('stops after the batches in flight', async () => {
    const follower = new InMemoryFollower(new Map([['a', 10]]), 1);
    follower.stop();
    expect(await follower.catchUp()).toBe(0);
  });
});

describe('assertContiguous', () => {
  it('accepts seqs that continue the progress and names the first missing one', () => {
    expect(() => assertContiguous(4, [5, 6, 7])).not.toThrow();
    expect(() => assertContiguous(4, [5, 7])).toThrow('ledger entry 6 is missing');
    expect(() => assertContiguous(4, [6])).toThrow('ledger entry 5 is missing');
  });
});
