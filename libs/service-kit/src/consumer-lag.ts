import type { Admin } from 'kafkajs';

/** A partition's offsets as Kafka reports them (`fetchTopicOffsets`): `high` is the next offset to be written. */
export interface PartitionWatermarks {
  partition: number;
  low: string;
  high: string;
}

/** A group's committed offset for a partition (`fetchOffsets`): the next offset it will read, or "-1" for none. */
export interface CommittedOffset {
  partition: number;
  offset: string;
}

export interface LagSample {
  group: string;
  topic: string;
  partition: number;
  /** Messages written to the partition that the group has not consumed yet. */
  lag: number;
}

export interface ConsumerGroupRef {
  groupId: string;
  topics: readonly string[];
}

/**
 * Lag per partition: high watermark − the group's committed offset. A partition the group has
 * never committed counts from the oldest retained message (consumers start from the beginning),
 * and a committed offset that retention has already deleted counts from the oldest retained one.
 */
export function partitionLag(
  watermarks: readonly PartitionWatermarks[],
  committed: readonly CommittedOffset[],
): { partition: number; lag: number }[] {
  const byPartition = new Map(committed.map((entry) => [entry.partition, BigInt(entry.offset)]));
  return watermarks
    .map(({ partition, low, high }) => {
      const next = byPartition.get(partition) ?? -1n;
      const from = next < 0n || next < BigInt(low) ? BigInt(low) : next;
      const lag = BigInt(high) - from;
      return { partition, lag: lag > 0n ? Number(lag) : 0 };
    })
    .sort((a, b) => a.partition - b.partition);
}

export interface LagReaderOptions {
  /** A scrape within this long of the last one reuses its answer. */
  cacheMs?: number;
  /** A scrape waits at most this long for Kafka, then reports no lag rather than hang. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Reads the consumer lag of the service's groups from Kafka — the offsets each group commits
 * right after the Postgres transaction that holds the authoritative ones — at most once per
 * `cacheMs`, so frequent or concurrent scrapes cost one round of admin requests.
 */
export class ConsumerLagReader {
  private cached: { at: number; samples: Promise<LagSample[]> } | undefined;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
    private readonly groups: () => readonly ConsumerGroupRef[],
    options: LagReaderOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
  }

  read(): Promise<LagSample[]> {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= this.cacheMs) {
      const samples = withTimeout(this.fetch(), this.timeoutMs);
      // A failed read is not cached: the next scrape tries again.
      samples.catch(() => {
        if (this.cached?.samples === samples) this.cached = undefined;
      });
      this.cached = { at: now, samples };
    }
    return this.cached.samples;
  }

  private async fetch(): Promise<LagSample[]> {
    const groups = this.groups();
    const topics = [...new Set(groups.flatMap((group) => group.topics))];
    const watermarks = new Map(
      await Promise.all(topics.map(async (topic) => [topic, await this.admin.fetchTopicOffsets(topic)] as const)),
    );
    const samples: LagSample[] = [];
    for (const { groupId, topics: groupTopics } of groups) {
      const committed = await this.admin.fetchOffsets({ groupId, topics: [...groupTopics] });
      for (const { topic, partitions } of committed) {
        for (const { partition, lag } of partitionLag(watermarks.get(topic) ?? [], partitions)) {
          samples.push({ group: groupId, topic, partition, lag });
        }
      }
    }
    return samples;
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
