import type { Pool, PoolClient } from '@cairn/pg';
import type { JsonLogger } from '@cairn/service-kit';
import type { ChainFollower } from './chain-follower';
import { APPENDED_CHANNEL } from './ledger.repository';

export interface FollowLoopOptions {
  pool: Pool;
  /** The longest wait between two rounds when no notification comes. */
  pollMs: number;
  /** False until the tables exist (the infrastructure runs the migrations). */
  ready: () => boolean;
  /** Brought up to the chains' heads at every round. */
  follower: ChainFollower;
  /** What the loop is for, in its log lines. */
  name: string;
  logger: JsonLogger;
}

/**
 * Runs a chain follower whenever the ledger writer NOTIFYs a commit, and at least every `pollMs`
 * (a cheap query when nothing lags), so a missed notification or a lost listening connection only
 * delays it by one poll.
 */
export class FollowLoop {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private listener: PoolClient | undefined;
  private notified = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: FollowLoopOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops the follower after its batches in flight, and waits for the round. */
  async stop(): Promise<void> {
    this.options.follower.stop();
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { ready, follower, pollMs, logger, name } = this.options;
    while (!this.stopping) {
      try {
        if (ready()) {
          await this.listen();
          await follower.catchUp();
        }
      } catch (error) {
        logger.write('warn', `${name} waiting for Postgres`, [], { error: String(error) });
      }
      await this.idle(pollMs);
    }
    this.listener?.release();
  }

  private async listen(): Promise<void> {
    if (this.listener !== undefined) return;
    const client = await this.options.pool.connect();
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    client.on('error', () => {
      // The connection is gone: polling carries on, and the next round listens on a new one.
      if (this.listener === client) this.listener = undefined;
      client.release(true);
    });
    try {
      await client.query(`LISTEN ${APPENDED_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.listener = client;
  }

  private async idle(ms: number): Promise<void> {
    if (this.notified || this.stopping) {
      this.notified = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    this.notified = false;
  }
}
