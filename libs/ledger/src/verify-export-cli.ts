/**
 * Offline verifier for a ledger NDJSON export; needs no database.
 *
 *   node -r ./tools/register.cjs libs/ledger/src/verify-export-cli.ts <export.ndjson | ->
 *
 * Prints one JSON summary line per organization on stdout and, for each failure, a human-readable
 * line on stderr. Exit status: 0 every chain verifies, 1 at least one does not, 2 the export could
 * not be verified (usage, an unreadable file, a line that is not an export entry).
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ExportFormatError } from './export';
import { verifyExport, type OrgVerification } from './verify-export';

const USAGE = 'usage: verify-export <export.ndjson | -> (reads standard input for -)';

const EXIT_OK = 0;
const EXIT_CHAIN_BROKEN = 1;
/** Usage, an unreadable file, a line that is not an entry — or anything else that stopped verification. */
const EXIT_CANNOT_VERIFY = 2;

/** Lines of a UTF-8 stream, without their `\n` (`\r` is left for the parser); leaner than readline. */
async function* linesOf(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8');
  let partial = '';
  for await (const chunk of input as AsyncIterable<string>) {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    yield* lines;
  }
  if (partial !== '') yield partial;
}

async function openInput(argument: string): Promise<Readable> {
  if (argument === '-') return process.stdin;
  const handle = await open(argument, 'r'); // fails here, clearly, for a missing or unreadable file
  return handle.createReadStream(); // the stream closes the handle when it ends
}

export async function main(args: readonly string[]): Promise<number> {
  const [argument, ...extra] = args;
  if (argument === undefined || extra.length > 0 || argument === '--help' || argument === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return EXIT_CANNOT_VERIFY;
  }

  let results: OrgVerification[];
  try {
    const input = await openInput(argument);
    results = await verifyExport(linesOf(input));
  } catch (error) {
    if (error instanceof ExportFormatError || isFileError(error)) {
      process.stderr.write(`verify-export: ${error.message}\n`);
      return EXIT_CANNOT_VERIFY;
    }
    throw error;
  }

  if (results.length === 0) process.stderr.write('verify-export: the export holds no entries\n');
  for (const result of results) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.anchor === 'trusted-prev-hash') {
      process.stderr.write(
        `note: ${result.orgId} starts at seq ${result.firstSeq}; its first prevHash ${result.trustedPrevHash} is ` +
          'trusted, not verified: compare it with a hash you hold\n',
      );
    }
    if (result.failure !== undefined) {
      const { seq, line, reason } = result.failure;
      process.stderr.write(`FAILED ${result.orgId}: seq ${seq} (line ${line}): ${reason}\n`);
    }
  }
  return results.every((result) => result.ok) ? EXIT_OK : EXIT_CHAIN_BROKEN;
}

/** An fs error (ENOENT, EACCES, EISDIR…); checked by shape, as errors may come from another realm. */
function isFileError(error: unknown): error is NodeJS.ErrnoException {
  const candidate = error as Partial<NodeJS.ErrnoException> | null;
  return typeof candidate?.code === 'string' && typeof candidate.message === 'string';
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `verify-export: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT_CANNOT_VERIFY;
    },
  );
}
