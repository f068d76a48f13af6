import { randomBytes } from 'node:crypto';
import { assertTestDatabase } from '@cairn/pg';

export interface TestEnvironment {
  kafkaBrokers: string[];
  databaseUrl: string;
}

/** The stack the integration tests run against (`tools/stack/with-stack.mjs` sets it up). */
export function testEnvironment(): TestEnvironment {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.DATABASE_URL;
  if (!brokers || !databaseUrl) {
    throw new Error('integration tests need KAFKA_BROKERS and DATABASE_URL: run them with `npm run test:int`');
  }
  assertTestDatabase(databaseUrl);
  return { kafkaBrokers: brokers.split(','), databaseUrl };
}

/** A fresh name per test run, so runs against a shared broker never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
