/** Lagging organizations looked at per round. */
const ROUND_SIZE = 1_000;
/** An organization whose batch failed is left alone this long before it is retried. */
const FAILURE_BACKOFF_MS = 5_000;

export interface FollowerOptions {
  /** Organizations worked on at once. */
  concurrency: number;
  onError?: (orgId: string, error: unknown) => void;
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Something that follows every organization's chain behind the writer (the projector, the publisher):
 * it asks which organizations lag behind its progress, and brings each up to its head a batch at a
 * time, several organizations at once. A subclass says what lags and what one batch does; a batch is
 * one transaction that claims the organization's progress row (`FOR UPDATE SKIP LOCKED`, so replicas
 * share the work without doing anything twice) and advances it with the work.
 */
export abstract class ChainFollower {
  private stopping = false;
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly options: FollowerOptions) {}

  /** Organizations whose chain is ahead of this follower's progress, at most `limit`. */
  protected abstract laggingOrganizations(limit: number): Promise<string[]>;

  /** Handles the organization's next batch; 0 when it is caught up or another replica holds it. */
  protected abstract nextBatch(orgId: string): Promise<number>;

  /** Stops after the batches in flight. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Works until no organization lags (or only ones another replica holds, or that just failed);
   * resolves with the number of entries handled. `onBatch` is told after every batch.
   */
  async catchUp(onBatch?: (entries: number) => void): Promise<number> {
    let total = 0;
    while (!this.stopping) {
      const now = Date.now();
      const lagging = await this.laggingOrganizations(ROUND_SIZE);
      const ready = lagging.filter((orgId) => (this.retryAt.get(orgId) ?? 0) <= now);
      if (ready.length === 0) break;
      let handled = 0;
      await forEachConcurrently(ready, this.options.concurrency, async (orgId) => {
        const count = await this.followOrganization(orgId, onBatch); // not `+= await`: workers interleave
        handled += count;
      });
      total += handled;
      if (handled === 0) break;
    }
    return total;
  }

  private async followOrganization(orgId: string, onBatch?: (entries: number) => void): Promise<number> {
    let total = 0;
    try {
      while (!this.stopping) {
        const handled = await this.nextBatch(orgId);
        if (handled === 0) break;
        total += handled;
        onBatch?.(handled);
      }
      this.retryAt.delete(orgId);
    } catch (error) {
      this.retryAt.set(orgId, Date.now() + FAILURE_BACKOFF_MS);
      this.options.onError?.(orgId, error);
    }
    return total;
  }
}

/** Throws unless `seqs` continue `from` without a hole: entries are never removed, so a hole means tampering. */
export function assertContiguous(from: number, seqs: readonly number[]): void {
  seqs.forEach((seq, index) => {
    if (seq !== from + index + 1) throw new Error(`ledger entry ${from + index + 1} is missing`);
  });
}
