import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { withTransaction, type Pool } from '@cairn/pg';
import {
  describeProgress,
  isReplayGroup,
  positionKey,
  progressOf,
  REPLAYABLE_SERVICES,
  replaySuffix,
  type PartitionRange,
  type ReplayableService,
  type ReplayStart,
} from './replay-plan';

/** Postgres' code for a relation (or its schema) that does not exist. */
const UNDEFINED_TABLE = '42P01';

export interface ReplayRequest {
  service: ReplayableService;
  from: ReplayStart;
  /** Only with `separate`: messages written after this instant are not reprocessed. */
  to?: Date;
  /**
   * Reprocess through new consumer groups in a second copy of the service started by this
   * command, beside the live one; otherwise move the (stopped) service's own positions back.
   */
  separate: boolean;
  /** One of the service's groups, when not all of them should replay. */
  group?: string;
  /** In place: wait, reporting progress, until the restarted service has caught up. */
  follow: boolean;
}

export interface ReplayDependencies {
  admin: Admin;
  pool: Pool;
  /** The environment the separate copy of the service is started with. */
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
  now?: () => Date;
  pollIntervalMs?: number;
}

/**
 * Reprocesses a service's input from `from`. Deterministic event ids make it safe: what the
 * service derives again with the same configuration is dropped downstream as a repeat, and what a
 * changed configuration derives (a new matcher version, say) is new and lands in the ledger.
 */
export async function replay(request: ReplayRequest, dependencies: ReplayDependencies): Promise<PartitionRange[]> {
  if (request.to !== undefined && !request.separate) {
    throw new Error('--to needs --separate: a service replayed in place carries on to the end of its topics');
  }
  const { schema } = REPLAYABLE_SERVICES[request.service];
  const all = await serviceGroups(dependencies.pool, schema);
  const selected = new Map([...all].filter(([groupId]) => request.group === undefined || groupId === request.group));
  if (selected.size === 0) {
    const which =
      request.group === undefined ? '' : ` for group ${request.group} (it has ${[...all.keys()].join(', ') || 'none'})`;
    throw new Error(`${request.service} has no consumer positions${which}: nothing to replay`);
  }
  if (!request.separate) return replayInPlace(request, schema, selected, dependencies);
  const idle = new Map([...all].filter(([groupId]) => !selected.has(groupId)));
  return replaySeparately(request, schema, selected, idle, dependencies);
}

/** The service's own groups and the topics each consumes, from its positions table. */
async function serviceGroups(pool: Pool, schema: string): Promise<Map<string, string[]>> {
  const { rows } = await pool
    .query<{ group_id: string; topic: string }>(
      `SELECT DISTINCT group_id, topic FROM ${schema}.consumer_offsets ORDER BY group_id, topic`,
    )
    .catch((error: unknown) => {
      // A service that never ran has no schema yet, so no positions.
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return { rows: [] };
      throw error;
    });
  const groups = new Map<string, string[]>();
  for (const { group_id: groupId, topic } of rows) {
    if (!isReplayGroup(groupId)) groups.set(groupId, [...(groups.get(groupId) ?? []), topic]);
  }
  return groups;
}

async function replayInPlace(
  request: ReplayRequest,
  schema: string,
  groups: Map<string, string[]>,
  dependencies: ReplayDependencies,
): Promise<PartitionRange[]> {
  const { admin, pool, print } = dependencies;
  const described = await admin.describeGroups([...groups.keys()]);
  for (const group of described.groups) {
    if (group.members.length > 0) {
      throw new Error(
        `${request.service} is running (group ${group.groupId} has ${group.members.length} member(s)): ` +
          'stop it first (for example `kubectl scale deployment/' +
          `${request.service} --replicas=0\`), or replay beside it with --separate`,
      );
    }
  }
  const stored = await storedPositions(pool, schema, [...groups.keys()]);
  // A partition the service had not yet reached keeps its position: a replay never skips ahead.
  const ranges = (await rangesOf(admin, groups, request.from, undefined)).map((range) => {
    const current = stored.get(positionKey(range));
    return current !== undefined && current < range.from ? { ...range, from: current } : range;
  });
  await withTransaction(pool, async (client) => {
    for (const range of ranges) {
      await client.query(
        `INSERT INTO ${schema}.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
        [range.groupId, range.topic, range.partition, range.from.toString()],
      );
    }
  });
  // Kafka's committed offsets are the consumer's first fetch position: they must agree.
  await setKafkaPositions(admin, ranges);
  for (const [groupId, topics] of groups) {
    const moved = ranges.filter((range) => range.groupId === groupId);
    print(`${groupId}: ${topics.join(', ')} moved back on ${moved.length} partition(s)`);
  }
  const progress = progressOf(ranges, new Map());
  print(`${describeProgress(request.service, progress)} to reprocess; start ${request.service} to begin`);
  if (request.follow) await followProgress(request.service, schema, ranges, dependencies, () => undefined);
  return ranges;
}

/**
 * The copy runs every consumer of the service; those of groups not replayed start at the end of
 * their topics, so that they pass over everything.
 */
async function replaySeparately(
  request: ReplayRequest,
  schema: string,
  groups: Map<string, string[]>,
  idle: Map<string, string[]>,
  dependencies: ReplayDependencies,
): Promise<PartitionRange[]> {
  const { admin, pool, print } = dependencies;
  const now = (dependencies.now ?? (() => new Date()))();
  const suffix = replaySuffix(now);
  const until = request.to ?? now;
  const renamed = (source: Map<string, string[]>) =>
    new Map([...source].map(([groupId, topics]) => [groupId + suffix, topics]));
  const replayGroups = renamed(groups);
  const ranges = await rangesOf(admin, replayGroups, request.from, until);
  const idleRanges = (await rangesOf(admin, renamed(idle), 'earliest', undefined)).map((range) => ({
    ...range,
    from: range.target,
  }));
  const createdGroups = [...replayGroups.keys(), ...renamed(idle).keys()];
  await withTransaction(pool, async (client) => {
    for (const range of [...ranges, ...idleRanges]) {
      await client.query(
        `INSERT INTO ${schema}.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)`,
        [range.groupId, range.topic, range.partition, range.from.toString()],
      );
    }
  });
  await setKafkaPositions(admin, [...ranges, ...idleRanges]);
  print(
    `${describeProgress(request.service, progressOf(ranges, new Map()))} to reprocess in ${[...replayGroups.keys()].join(', ')}`,
  );

  const copy = startServiceCopy(request.service, {
    ...dependencies.env,
    // The copy names its groups as the live service does, plus the replay's suffix.
    CONSUMER_GROUP_SUFFIX: (dependencies.env.CONSUMER_GROUP_SUFFIX ?? '') + suffix,
    CONSUME_UNTIL: until.toISOString(),
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
  });
  try {
    await followProgress(request.service, schema, ranges, dependencies, () => {
      if (copy.exitCode !== null || copy.signalCode !== null) {
        throw new Error(
          `the replaying ${request.service} exited (${copy.signalCode ?? copy.exitCode}):\n${copy.tail()}`,
        );
      }
    });
  } finally {
    await copy.stop();
    await pool.query(`DELETE FROM ${schema}.consumer_offsets WHERE group_id = ANY($1)`, [createdGroups]);
    await admin.deleteGroups(createdGroups).catch((error: unknown) => {
      print(
        `could not delete the replay groups from Kafka (${String(error)}); they expire with Kafka's offset retention`,
      );
    });
  }
  return ranges;
}

/** Per group, topic and partition: where the replay starts and where it is done. */
async function rangesOf(
  admin: Admin,
  groups: Map<string, string[]>,
  from: ReplayStart,
  until: Date | undefined,
): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const [groupId, topics] of groups) {
    for (const topic of topics) {
      const bounds = await admin.fetchTopicOffsets(topic);
      const starts = from === 'earliest' ? undefined : await offsetsAt(admin, topic, from.getTime());
      // The first offset written after `until` (Kafka's answer is the first at or after a time).
      const ends = until === undefined ? undefined : await offsetsAt(admin, topic, until.getTime() + 1);
      for (const { partition, low, high } of bounds) {
        const [lowest, highest] = [BigInt(low), BigInt(high)];
        const start = starts?.get(partition) ?? lowest;
        const end = ends?.get(partition) ?? highest;
        ranges.push({ groupId, topic, partition, from: start < lowest ? lowest : start, target: end });
      }
    }
  }
  return ranges;
}

/** The first offset at or after `timestamp` per partition; the end of the log where none is. */
async function offsetsAt(admin: Admin, topic: string, timestamp: number): Promise<Map<number, bigint>> {
  const [found, bounds] = await Promise.all([
    admin.fetchTopicOffsetsByTimestamp(topic, timestamp),
    admin.fetchTopicOffsets(topic),
  ]);
  const high = new Map(bounds.map(({ partition, high: end }) => [partition, BigInt(end)]));
  return new Map(
    found.map(({ partition, offset }) => {
      const at = BigInt(offset);
      return [partition, at < 0n ? (high.get(partition) ?? 0n) : at];
    }),
  );
}

async function setKafkaPositions(admin: Admin, ranges: readonly PartitionRange[]): Promise<void> {
  const byGroupTopic = new Map<string, PartitionRange[]>();
  for (const range of ranges) {
    const key = `${range.groupId}|${range.topic}`;
    byGroupTopic.set(key, [...(byGroupTopic.get(key) ?? []), range]);
  }
  for (const members of byGroupTopic.values()) {
    const [{ groupId, topic }] = members as [PartitionRange];
    await admin.setOffsets({
      groupId,
      topic,
      partitions: members.map(({ partition, from }) => ({ partition, offset: from.toString() })),
    });
  }
}

async function storedPositions(pool: Pool, schema: string, groupIds: string[]): Promise<Map<string, bigint>> {
  const { rows } = await pool.query<{ group_id: string; topic: string; partition: number; next_offset: string }>(
    `SELECT group_id, topic, partition, next_offset FROM ${schema}.consumer_offsets
     WHERE group_id = ANY($1) AND next_offset >= 0`,
    [groupIds],
  );
  return new Map(
    rows.map((row) => [
      positionKey({ groupId: row.group_id, topic: row.topic, partition: row.partition }),
      BigInt(row.next_offset),
    ]),
  );
}

/** Reports progress every few seconds until every partition reached its target. */
async function followProgress(
  service: string,
  schema: string,
  ranges: readonly PartitionRange[],
  { pool, print, pollIntervalMs = 500 }: ReplayDependencies,
  check: () => void,
): Promise<void> {
  const groupIds = [...new Set(ranges.map((range) => range.groupId))];
  let reported = 0;
  for (;;) {
    const progress = progressOf(ranges, await storedPositions(pool, schema, groupIds));
    if (progress.finished || Date.now() - reported >= 2_000) {
      print(describeProgress(service, progress));
      reported = Date.now();
    }
    if (progress.finished) return;
    check();
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

interface ServiceCopy {
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  /** The last lines it printed, for an error message. */
  tail(): string;
  stop(): Promise<void>;
}

/**
 * Starts the service's own entry point beside this command's: `dist/apps/<service>/src/main.js`
 * when run from the build, the TypeScript source when run through the repository's SWC hook.
 */
function startServiceCopy(service: ReplayableService, env: NodeJS.ProcessEnv): ServiceCopy {
  const entry = path.resolve(__dirname, '../../..', service, 'src', `main${path.extname(__filename)}`);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build the services first (npm run build)`);
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, entry], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    get exitCode() {
      return child.exitCode;
    },
    get signalCode() {
      return child.signalCode;
    },
    tail: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
