/**
 * Drops every projection and rebuilds it from the ledger alone.
 *
 *   DATABASE_URL=postgres://… node -r ./tools/register.cjs apps/audit-ledger/src/rebuild-cli.ts [options]
 *
 *   --fresh            start over even if an earlier rebuild was interrupted (default: resume it)
 *   --concurrency=N    organizations projected at once (default 4)
 *   --batch-size=N     entries per transaction (default 2000)
 *
 * In place: one transaction empties the projection tables and resets every organization's progress to
 * 0, then the projector (the service's own code) catches up from seq 1. Interrupted, the tables hold a
 * consistent prefix of each chain with its progress, so a second run resumes where the first stopped. A
 * running service keeps projecting meanwhile and shares the work (per-organization locks). Until the
 * rebuild finishes, the query API sees the projections partly rebuilt.
 *
 * Exit status: 0 rebuilt, 1 failed, 2 usage or configuration, 130 interrupted (run again to resume).
 */
import { consumerOffsetsMigration } from '@cairn/kafka';
import { createPool, migrate, type Pool } from '@cairn/pg';
import { accessCopyMigration } from '@cairn/service-kit';
import { LEDGER_SCHEMA, ledgerMigrations } from './migrations';
import { ProjectionsRepository } from './projections/projections.repository';
import { Projector } from './projections/projector';

const USAGE = 'usage: rebuild-cli [--fresh] [--concurrency=N] [--batch-size=N]   (needs DATABASE_URL)';

interface Options {
  fresh: boolean;
  concurrency: number;
  batchSize: number;
}

function parseArgs(args: readonly string[]): Options | string {
  const options: Options = { fresh: false, concurrency: 4, batchSize: 2_000 };
  for (const arg of args) {
    const [name, value] = arg.split('=', 2);
    const number = Number(value);
    if (arg === '--fresh') options.fresh = true;
    else if (name === '--concurrency' && Number.isInteger(number) && number >= 1 && number <= 32)
      options.concurrency = number;
    else if (name === '--batch-size' && Number.isInteger(number) && number >= 1 && number <= 20_000)
      options.batchSize = number;
    else return `unknown or malformed option ${arg}`;
  }
  return options;
}

const write = (line: string) => process.stdout.write(`${line}\n`);
const rate = (entries: number, ms: number) => Math.round(entries / Math.max(ms / 1000, 0.001));

async function rebuild(pool: Pool, options: Options): Promise<number> {
  const repository = new ProjectionsRepository(pool);
  let failures = 0;
  const projector = new Projector(pool, repository, {
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    onError: (orgId, error) => {
      failures += 1;
      write(`failed to project ${orgId}: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  // Listening before anything is changed: an interrupt at any point leaves a state the next run resumes.
  let interrupted = false;
  const stopOnSignal = () => {
    interrupted = true;
    projector.stop();
  };
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);

  // The service's own migrations, as the service would apply them: the command may run first.
  await migrate(pool, LEDGER_SCHEMA, [consumerOffsetsMigration, accessCopyMigration, ...ledgerMigrations]);
  const unfinished = options.fresh ? undefined : await repository.unfinishedRebuild();
  const record = unfinished ?? (await repository.startRebuild());
  const before = await repository.totals();
  write(
    unfinished === undefined
      ? `rebuild #${record.id}: projections emptied; ${before.ledger} ledger entries to project`
      : `rebuild #${record.id} (started ${record.startedAt.toISOString()}) resumed: ` +
          `${before.projected} of ${before.ledger} entries already projected`,
  );

  const started = Date.now();
  let projected = 0;
  const ticker = setInterval(() => {
    const done = before.projected + projected;
    write(`  ${done} / ${before.ledger} entries (${rate(projected, Date.now() - started)} entries/s)`);
  }, 1_000);
  try {
    await projector.catchUp((entries) => (projected += entries));
  } finally {
    clearInterval(ticker);
  }
  const elapsed = Date.now() - started;
  if (interrupted) {
    write(`interrupted after ${projected} entries: run again to resume rebuild #${record.id}`);
    return 130;
  }
  const after = await repository.totals();
  // Entries appended since the start may still be on their way; those that were there must all be in.
  if (failures > 0 || after.projected < before.ledger) {
    write(`rebuild #${record.id} incomplete: ${after.projected} of ${after.ledger} entries projected`);
    return 1;
  }
  await repository.finishRebuild(record.id);
  write(
    `rebuild #${record.id} done: ${projected} entries in ${(elapsed / 1000).toFixed(1)} s ` +
      `(${rate(projected, elapsed)} entries/s); ${after.projected} entries projected in all`,
  );
  return 0;
}

export async function main(args: readonly string[]): Promise<number> {
  const options = parseArgs(args);
  const databaseUrl = process.env.DATABASE_URL;
  if (typeof options === 'string' || databaseUrl === undefined || !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    process.stderr.write(`${typeof options === 'string' ? `${options}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const pool = createPool(databaseUrl, {
    applicationName: 'cairn-audit-ledger-rebuild',
    max: options.concurrency + 2,
  });
  try {
    return await rebuild(pool, options);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`rebuild: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
