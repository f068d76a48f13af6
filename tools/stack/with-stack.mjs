// node tools/stack/with-stack.mjs <command> [args…]
// Runs a command against the local stack: reuses a running one (or KAFKA_BROKERS / DATABASE_URL), else
// brings one up for the command and takes down what it started afterwards, whatever the outcome.
// The command gets KAFKA_BROKERS, DATABASE_URL (the *test* database), TZ=UTC and node_modules/.bin on
// PATH, as npm scripts do; with-stack exits with its exit code.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { down, up } from './stack.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error('usage: node tools/stack/with-stack.mjs <command> [args…]');
  process.exit(2);
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let child;
/** @type {NodeJS.Signals | undefined} */
let interruptedBy;
// Handling the signals keeps us alive to clean up: the command gets them (Ctrl-C in a terminal has
// already reached it too) and we take the stack down once it has exited.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    interruptedBy ??= signal;
    child?.kill(signal);
  });
}

/** @param {NodeJS.Signals} signal */
const exitCodeFor = (signal) => 128 + constants.signals[signal];

let stack;
try {
  stack = await up();
} catch (error) {
  console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

let exitCode;
if (interruptedBy !== undefined) {
  exitCode = exitCodeFor(interruptedBy);
} else {
  const binDir = path.join(repoRoot, 'node_modules', '.bin');
  const env = {
    ...process.env,
    KAFKA_BROKERS: stack.kafkaBrokers,
    DATABASE_URL: stack.testDatabaseUrl,
    TZ: 'UTC',
    PATH: [binDir, process.env.PATH].filter(Boolean).join(path.delimiter),
  };
  exitCode = await new Promise((resolve) => {
    child = spawn(command, args, { stdio: 'inherit', env });
    child.once('error', (error) => {
      console.error(`[stack] cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? exitCodeFor(signal ?? 'SIGTERM')));
  });
}

if (stack.started.kafka || stack.started.postgres) {
  try {
    await down(stack.started);
  } catch (error) {
    console.error(`[stack] could not take the stack down: ${error instanceof Error ? error.message : String(error)}`);
    exitCode ||= 1;
  }
}
process.exit(exitCode);
