import type { PoolClient } from 'pg';
import type { Migration } from '@cairn/pg';

/**
 * Every consuming service keeps, in its own schema, the next offset to read per partition. It is
 * written in the same transaction as the state the messages changed, so state and position never
 * disagree after a crash: Kafka's own committed offsets are only a hint for faster restarts.
 */
export const consumerOffsetsMigration: Migration = {
  id: '000-consumer-offsets',
  sql: `CREATE TABLE consumer_offsets (
    group_id text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    next_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
  )`,
};

export interface PartitionRef {
  groupId: string;
  topic: string;
  partition: number;
}

/**
 * Locks the partition's row for this transaction and returns the next offset to apply. The lock
 * makes a consumer that lost its partition in a rebalance wait, then skip what the new owner did.
 * The row exists after a partition's first batch, so one round trip usually does; the statements
 * are named (prepared once per connection) because every batch of every consumer runs them.
 */
export async function lockNextOffset(client: PoolClient, schema: string, ref: PartitionRef): Promise<bigint | null> {
  const values = [ref.groupId, ref.topic, ref.partition];
  const lock = () =>
    client.query<{ next_offset: string }>({
      name: `${schema}.lock-next-offset`,
      text: `SELECT next_offset FROM ${schema}.consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      values,
    });
  let { rows } = await lock();
  if (rows.length === 0) {
    await client.query(
      `INSERT INTO ${schema}.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, -1)
       ON CONFLICT DO NOTHING`,
      values,
    );
    ({ rows } = await lock());
  }
  const next = BigInt(rows[0]?.next_offset ?? '-1');
  return next < 0n ? null : next;
}

export async function storeNextOffset(
  client: PoolClient,
  schema: string,
  ref: PartitionRef,
  nextOffset: bigint,
): Promise<void> {
  await client.query({
    name: `${schema}.store-next-offset`,
    text: `UPDATE ${schema}.consumer_offsets SET next_offset = $4, updated_at = now()
     WHERE group_id = $1 AND topic = $2 AND partition = $3`,
    values: [ref.groupId, ref.topic, ref.partition, nextOffset.toString()],
  });
}

export async function readNextOffsets(
  client: { query: PoolClient['query'] },
  schema: string,
  groupId: string,
): Promise<Map<string, bigint>> {
  const { rows } = await client.query<{ topic: string; partition: number; next_offset: string }>(
    `SELECT topic, partition, next_offset FROM ${schema}.consumer_offsets WHERE group_id = $1 AND next_offset >= 0`,
    [groupId],
  );
  return new Map(rows.map((row) => [`${row.topic}:${row.partition}`, BigInt(row.next_offset)]));
}
