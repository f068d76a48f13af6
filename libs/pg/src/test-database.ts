import type { Pool } from 'pg';
import { assertIdentifier } from './migrate';

/** The database name of a connection URL. */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/**
 * Tests wipe state between cases; this guard refuses to do so unless the database's name marks it
 * as a test database, so a mis-set DATABASE_URL can never empty a real one.
 */
export function assertTestDatabase(databaseUrl: string): void {
  const name = databaseName(databaseUrl);
  if (!/test/i.test(name)) {
    throw new Error(`refusing to reset database "${name}": its name does not mark it as a test database`);
  }
}

export async function dropSchemas(pool: Pool, databaseUrl: string, schemas: readonly string[]): Promise<void> {
  assertTestDatabase(databaseUrl);
  for (const schema of schemas) {
    assertIdentifier(schema);
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}
