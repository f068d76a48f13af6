import type { Migration } from '@cairn/pg';

export const gatewayMigrations: Migration[] = [
  {
    id: '002-idempotency',
    sql: `CREATE TABLE idempotency_keys (
      org_id text NOT NULL,
      kind text NOT NULL,
      client_event_id text NOT NULL,
      event_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, kind, client_event_id)
    );
    CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);`,
  },
  {
    id: '003-quarantine',
    sql: `CREATE TABLE quarantine (
      org_id text NOT NULL,
      collection_id text NOT NULL,
      vector_id text NOT NULL,
      state text NOT NULL,
      reason text,
      changed_by text NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (org_id, collection_id, vector_id)
    );`,
  },
];
