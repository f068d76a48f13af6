import type { Pool } from 'pg';
import { withTransaction } from './pool';

export interface Migration {
  /** Sortable and never renamed once released, e.g. `001-offsets`. */
  id: string;
  sql: string;
}

/**
 * Applies a service's migrations to its own schema, once each, in order. An advisory lock keyed
 * by the schema makes concurrent replicas (or a migration Job racing a pod) wait for each other.
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly Migration[]): Promise<string[]> {
  assertIdentifier(schema);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cairn-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${schema}.migrations`);
    const applied = new Set(rows.map((row) => row.id));
    const ran: string[] = [];
    for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      if (applied.has(migration.id)) continue;
      await client.query(`SET LOCAL search_path TO ${schema}, public`);
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.migrations (id) VALUES ($1)`, [migration.id]);
      ran.push(migration.id);
    }
    return ran;
  });
}

/** Schema names are interpolated into SQL, so only plain identifiers are allowed. */
export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
}
