/**
 * Command-line matcher, to evaluate it from outside (see ../README.md).
 *
 *   node -r ./tools/register.cjs libs/matching/src/cli.ts [--config '{"ngramMinEvidence":40}'] < in.jsonl > out.jsonl
 *
 * Reads JSON lines `{id, output, vectors: [{id, content}]}` on stdin, writes `{id, citations}` per
 * line on stdout, `{id?, error}` for a bad line (and carries on). Exit code 1 if any line failed,
 * 2 if the arguments are wrong.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { resolveMatcherConfig } from './config';
import { configFromArgs, handleLine } from './jsonl';

const USAGE = "usage: cli.ts [--config '<JSON overrides of DEFAULT_MATCHER_CONFIG>'] < requests.jsonl";

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = resolveMatcherConfig(configFromArgs(args));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  let failed = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const result = handleLine(line, config);
    if (!result) continue;
    if (!result.ok) failed++;
    // Respect backpressure: a large input must not pile up in memory behind a slow reader.
    if (!process.stdout.write(`${result.json}\n`)) await once(process.stdout, 'drain');
  }
  if (failed > 0) process.stderr.write(`${failed} line(s) failed\n`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
