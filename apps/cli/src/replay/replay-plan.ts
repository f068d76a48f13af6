/**
 * The arithmetic of a replay, kept apart from Kafka and Postgres: where each partition starts and
 * stops, how far the replaying consumers got, and how replay groups are named.
 */

/** Which services can be replayed, and the Postgres schema holding their consumer positions. */
export const REPLAYABLE_SERVICES = {
  correlation: { schema: 'correlation' },
  matcher: { schema: 'matcher' },
  alerting: { schema: 'alerting' },
} as const;

export type ReplayableService = keyof typeof REPLAYABLE_SERVICES;

/** Why the other services are not replayed, for the CLI to say. */
export const NOT_REPLAYABLE: Readonly<Record<string, string>> = {
  'audit-ledger':
    'the ledger is append-only and drops events it already holds; rebuild its projections with `node dist/apps/audit-ledger/src/rebuild-cli.js` instead',
  'ingest-gateway': 'the gateway only keeps copies of keys and quarantine, which it rebuilds from their topics at boot',
};

export function isReplayableService(name: string): name is ReplayableService {
  return Object.hasOwn(REPLAYABLE_SERVICES, name);
}

export type ReplayStart = Date | 'earliest';

/** `earliest`, or an ISO 8601 instant with its zone (a time without one would mean the operator's). */
export function parseReplayStart(value: string): ReplayStart {
  return value === 'earliest' ? 'earliest' : parseInstant('--from', value);
}

export function parseInstant(option: string, value: string): Date {
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    ? new Date(value)
    : undefined;
  if (instant === undefined || Number.isNaN(instant.getTime())) {
    throw new Error(`${option} must be an ISO 8601 instant with a zone, e.g. 2026-11-22T08:00:00Z (got "${value}")`);
  }
  return instant;
}

const REPLAY_SUFFIX = /\.replay-\d{8}T\d{6}Z$/;

/** The suffix a separate replay adds to each group name, unique to the second. */
export function replaySuffix(now: Date): string {
  return `.replay-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** A group a separate replay created (and should have removed), not one of the service's own. */
export function isReplayGroup(groupId: string): boolean {
  return REPLAY_SUFFIX.test(groupId);
}

export interface PartitionRange {
  groupId: string;
  topic: string;
  partition: number;
  /** The first offset to apply again. */
  from: bigint;
  /** The replay is done on this partition once the group's next offset reaches it. */
  target: bigint;
}

export interface ReplayProgress {
  /** Messages applied (or passed over) since the replay began, over every partition. */
  done: bigint;
  total: bigint;
  finished: boolean;
}

/** `stored` holds each partition's next offset, keyed `group|topic|partition`. */
export function progressOf(ranges: readonly PartitionRange[], stored: ReadonlyMap<string, bigint>): ReplayProgress {
  let done = 0n;
  let total = 0n;
  let finished = true;
  for (const range of ranges) {
    const length = range.target > range.from ? range.target - range.from : 0n;
    const next = stored.get(positionKey(range)) ?? range.from;
    const reached = next < range.from ? 0n : next > range.target ? length : next - range.from;
    done += reached;
    total += length;
    if (reached < length) finished = false;
  }
  return { done, total, finished };
}

export function positionKey(ref: { groupId: string; topic: string; partition: number }): string {
  return `${ref.groupId}|${ref.topic}|${ref.partition}`;
}

export function describeProgress(service: string, { done, total }: ReplayProgress): string {
  const percent = total === 0n ? 100 : Number((done * 1000n) / total) / 10;
  return `${service} replay: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} messages (${percent.toFixed(1)} %)`;
}
