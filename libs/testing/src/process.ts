import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait-for';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  kill(signal: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/**
 * Starts a TypeScript entry point as a real child process (compiled on the fly by the repo's SWC
 * hook), so tests can kill it for real with SIGKILL or stop it with SIGTERM.
 */
export function startTsProcess(
  entry: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): RunningProcess {
  const child = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'tools/register.cjs'), entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code ?? 0)),
  );
  return {
    child,
    output: () => output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until the process printed `marker`, failing early (with its output) if it exits. */
export async function waitForOutput(proc: RunningProcess, marker: string | RegExp, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `process output ${String(marker)}`,
    () => {
      if (proc.child.exitCode !== null) throw new Error(`process exited early:\n${proc.output()}`);
      return typeof marker === 'string' ? proc.output().includes(marker) : marker.test(proc.output());
    },
    { timeoutMs },
  );
}
