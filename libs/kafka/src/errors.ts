/** Kafka did not acknowledge a write in time: callers answer 503 and the client retries. */
export class KafkaUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}

const INFRASTRUCTURE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Errors that say a dependency is unreachable rather than that a message is bad. A consumer
 * keeps retrying these forever (the partition waits for Postgres or Kafka to come back) and
 * dead-letters a message only for errors that are not of this kind.
 */
export function isInfrastructureError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof KafkaUnavailableError) return true;
  const { code, name } = error as Error & { code?: unknown };
  if (typeof code === 'string') {
    if (INFRASTRUCTURE_CODES.has(code)) return true;
    // Postgres: connection exceptions (08), insufficient resources (53), operator intervention (57).
    if (/^(08|53|57)/.test(code)) return true;
  }
  if (name.startsWith('KafkaJS')) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(error.message);
}
