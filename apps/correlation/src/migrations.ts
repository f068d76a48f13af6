import type { Migration } from '@cairn/pg';

/**
 * The correlation window. Rows carry the ingest partition they came from: each partition has a
 * clock (the latest event time applied on it) and rows expire against that clock, not the wall
 * clock, so a replay or a backlog after downtime sees the same state a live run did. Retrievals
 * and generations leave room on their pages so the flag and join updates stay HOT (no index writes).
 */
export const correlationMigrations: Migration[] = [
  {
    id: '002-correlation-window',
    sql: `
      CREATE TABLE retrievals (
        org_id text NOT NULL,
        event_id text NOT NULL,
        client_event_id text NOT NULL,
        collection_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        parent_query_id text,
        trace_id text,
        results jsonb NOT NULL,
        matched_by_id boolean NOT NULL,
        partition integer NOT NULL,
        PRIMARY KEY (org_id, event_id)
      ) WITH (fillfactor = 90);
      CREATE INDEX retrievals_by_parent_query ON retrievals (org_id, parent_query_id) WHERE parent_query_id IS NOT NULL;
      CREATE INDEX retrievals_by_trace ON retrievals (org_id, trace_id) WHERE trace_id IS NOT NULL;
      CREATE INDEX retrievals_by_age ON retrievals (partition, occurred_at);

      CREATE TABLE generations (
        org_id text NOT NULL,
        event_id text NOT NULL,
        client_event_id text NOT NULL,
        run_id text,
        parent_run_id text,
        trace_id text,
        occurred_at timestamptz NOT NULL,
        output_text text NOT NULL,
        retrieval_event_ids jsonb NOT NULL,
        matched_by_id boolean NOT NULL,
        partition integer NOT NULL,
        PRIMARY KEY (org_id, event_id)
      ) WITH (fillfactor = 90);
      CREATE INDEX generations_by_run ON generations (org_id, run_id) WHERE run_id IS NOT NULL;
      CREATE INDEX generations_by_parent_run ON generations (org_id, parent_run_id) WHERE parent_run_id IS NOT NULL;
      CREATE INDEX generations_by_trace ON generations (org_id, trace_id) WHERE trace_id IS NOT NULL;
      CREATE INDEX generations_by_age ON generations (partition, occurred_at);

      CREATE TABLE vector_content (
        org_id text NOT NULL,
        collection_id text NOT NULL,
        vector_id text NOT NULL,
        content text NOT NULL,
        observed_at timestamptz NOT NULL,
        partition integer NOT NULL,
        PRIMARY KEY (org_id, collection_id, vector_id)
      );
      CREATE INDEX vector_content_by_age ON vector_content (partition, observed_at);

      CREATE TABLE partition_clocks (
        partition integer PRIMARY KEY,
        clock timestamptz NOT NULL
      );`,
  },
  {
    // The window tables take a steady stream of inserts (and, once the window is full, as many purge
    // deletes), so autovacuum visits them during live traffic. Unthrottled, a vacuum there takes most
    // of a core and shows in the correlation delay's p99 on a small node; at a fifth of the default
    // speed it still does its work many times faster than 1,000 events/s create it.
    id: '003-window-vacuum-pace',
    sql: `
      ALTER TABLE retrievals SET (autovacuum_vacuum_cost_delay = 10);
      ALTER TABLE generations SET (autovacuum_vacuum_cost_delay = 10);
      ALTER TABLE vector_content SET (autovacuum_vacuum_cost_delay = 10);`,
  },
];
