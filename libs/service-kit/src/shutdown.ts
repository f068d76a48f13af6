import type { JsonLogger } from './logger';

/** The part of `process` that `boundShutdown` uses (a stand-in in tests). */
export interface SignalTarget {
  once(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never;
}

/**
 * Nest's shutdown hooks wait for consumers, HTTP and connections with no deadline; past
 * `timeoutMs` after the first SIGTERM/SIGINT the process exits anyway (code 1), so it always ends
 * before the orchestrator's grace period does. Offsets live with the state: exiting mid-batch
 * loses nothing, the batch is redone. The timer does not keep a finished process alive.
 */
export function boundShutdown(timeoutMs: number, logger: JsonLogger, target: SignalTarget = process): void {
  const arm = (signal: NodeJS.Signals) => {
    // Gone before Nest re-raises the signal to end the process, so the default action applies.
    target.removeListener('SIGTERM', arm);
    target.removeListener('SIGINT', arm);
    setTimeout(() => {
      logger.error(`shutdown after ${signal} did not finish within ${timeoutMs} ms: exiting`);
      target.exit(1);
    }, timeoutMs).unref();
  };
  target.once('SIGTERM', arm);
  target.once('SIGINT', arm);
}
