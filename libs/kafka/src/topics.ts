import type { Admin, Kafka } from 'kafkajs';
import { ALL_TOPICS, DEFAULT_PARTITION_COUNT, Topics, type TopicName } from '@cairn/contracts';

/** Large enough for a retrieval of 200 results × 16 KB, or a correlation carrying them. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface TopicOptions {
  partitions?: number;
  replicationFactor?: number;
}

function topicConfig(topic: TopicName): { name: string; value: string }[] {
  const entries = [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }];
  // The ledger topic is the audit trail's public copy: it is never deleted by retention.
  if (topic === Topics.ledger) entries.push({ name: 'retention.ms', value: '-1' });
  return entries;
}

/**
 * Creates Cairn's topics that are missing, all with one partition count so an organization's
 * events land on the same partition number in every topic. Refuses to run against topics that
 * exist with another partition count, since that silently breaks per-organization ordering.
 */
export async function ensureTopics(kafka: Kafka, options: TopicOptions = {}): Promise<void> {
  const partitions = options.partitions ?? DEFAULT_PARTITION_COUNT;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: topicConfig(topic),
        })),
      });
    }
    // Also when another process created them a moment ago: they may still be electing leaders.
    await waitForLeaders(admin, ALL_TOPICS);
    const present = ALL_TOPICS.filter((topic) => existing.has(topic));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: [...present] });
      const mismatched = metadata.topics.filter((topic) => topic.partitions.length !== partitions);
      if (mismatched.length > 0) {
        const found = mismatched.map((topic) => `${topic.name}=${topic.partitions.length}`).join(', ');
        throw new Error(`topics must all have ${partitions} partitions; found ${found}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * A freshly created topic answers "not the leader" until every partition's leader is known to
 * the broker's metadata, and for a moment longer until the leader has opened the partition's log
 * (the metadata already names it; a ListOffsets still fails). Producing or reading offsets before
 * then fails. Wait for both (bounded), so callers can publish as soon as `ensureTopics` returns.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const notReady = await partitionsNotLed(admin, topics);
    if (notReady === undefined) return;
    if (Date.now() > deadline) throw new Error(`new partitions not ready after ${timeoutMs} ms: ${notReady}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Why the topics' partitions cannot be used yet, or undefined when every one has a serving leader. */
async function partitionsNotLed(admin: Admin, topics: readonly string[]): Promise<string | undefined> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
  const leaderless = metadata.flatMap((topic) => topic.partitions.filter((partition) => partition.leader < 0));
  if (leaderless.length > 0) return `${leaderless.length} have no leader`;
  try {
    for (const topic of topics) await admin.fetchTopicOffsets(topic);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
