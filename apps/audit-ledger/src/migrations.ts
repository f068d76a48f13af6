import type { Migration } from '@cairn/pg';

export const LEDGER_SCHEMA = 'ledger';
export const PROJECTIONS_SCHEMA = 'projections';

/** Projection tables a rebuild empties (everything in `projections` but the rebuild log). */
export const PROJECTION_TABLES = [
  'progress',
  'traces',
  'trace_members',
  'spans',
  'retrievals',
  'generations',
  'correlations',
  'citations',
  'alerts',
  'quarantine',
] as const;

/**
 * The chain. `canonical` is the RFC 8785 text of `{seq, eventId, type, occurredAt, payload}` exactly as
 * hashed, and `occurred_at` is the envelope's own text: a timestamptz would re-render it and jsonb would
 * reorder members and refuse `\u0000`, either of which breaks the hash. `event_id`, `type` and
 * `occurred_at` repeat members of `canonical` so they can be indexed; verification checks they agree.
 * `heads` holds each chain's last entry, and its row lock serializes appends to one chain.
 */
const ledgerTables: Migration = {
  id: '002-ledger',
  sql: `
    CREATE TABLE ledger.heads (
      org_id text PRIMARY KEY,
      seq bigint NOT NULL CHECK (seq >= 0),
      hash text NOT NULL
    );
    CREATE TABLE ledger.entries (
      org_id text NOT NULL,
      seq bigint NOT NULL CHECK (seq >= 1),
      event_id text NOT NULL,
      type text NOT NULL,
      occurred_at text NOT NULL,
      canonical text NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      appended_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, seq)
    );
    CREATE UNIQUE INDEX entries_event_id ON ledger.entries (org_id, event_id);

    CREATE FUNCTION ledger.refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger.entries is append-only: % refused', TG_OP
        USING HINT = 'a ledger entry is never changed or removed; append a new event instead';
    END
    $$;
    CREATE TRIGGER entries_refuse_update_delete BEFORE UPDATE OR DELETE ON ledger.entries
      FOR EACH ROW EXECUTE FUNCTION ledger.refuse_rewrite();
    CREATE TRIGGER entries_refuse_truncate BEFORE TRUNCATE ON ledger.entries
      FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_rewrite();`,
};

/**
 * Read models, derived only from ledger entries. Every column is a function of an organization's
 * entries in seq order, so a rebuild reproduces them byte for byte. Rows index into the ledger by
 * `seq` instead of copying payloads: the query API reads an item's payload from its entry, so a payload
 * is stored once and a rebuild writes only these narrow rows. Indexed ids and names are text with
 * U+0000 replaced (Postgres text cannot hold it).
 */
const projectionTables: Migration = {
  id: '003-projections',
  sql: `
    CREATE SCHEMA IF NOT EXISTS projections;
    CREATE TABLE projections.progress (
      org_id text PRIMARY KEY,
      projected_seq bigint NOT NULL
    );
    CREATE TABLE projections.rebuilds (
      id bigserial PRIMARY KEY,
      started_at timestamptz NOT NULL DEFAULT now(),
      entries bigint NOT NULL,
      finished_at timestamptz
    );
    CREATE TABLE projections.traces (
      org_id text NOT NULL,
      trace_id text NOT NULL,
      vendor text NOT NULL,
      name text,
      started_at timestamptz,
      ended_at timestamptz,
      first_seq bigint NOT NULL,
      PRIMARY KEY (org_id, trace_id)
    ) WITH (fillfactor = 80);
    CREATE INDEX traces_newest_first ON projections.traces (org_id, first_seq DESC, trace_id DESC);
    CREATE TABLE projections.trace_members (
      org_id text NOT NULL,
      trace_id text NOT NULL,
      kind text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (org_id, trace_id, kind, event_id)
    );
    CREATE TABLE projections.spans (
      org_id text NOT NULL,
      trace_id text NOT NULL,
      span_id text NOT NULL,
      parent_span_id text,
      started_at timestamptz,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (org_id, trace_id, span_id)
    );
    CREATE TABLE projections.retrievals (
      org_id text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      client_event_id text NOT NULL,
      trace_id text NOT NULL,
      collection_id text NOT NULL,
      PRIMARY KEY (org_id, event_id)
    );
    CREATE TABLE projections.generations (
      org_id text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      client_event_id text NOT NULL,
      PRIMARY KEY (org_id, event_id)
    );
    CREATE INDEX generations_by_client_event_id ON projections.generations (org_id, client_event_id, seq);
    CREATE TABLE projections.correlations (
      org_id text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      generation_event_id text NOT NULL,
      PRIMARY KEY (org_id, event_id)
    );
    CREATE INDEX correlations_by_generation ON projections.correlations (org_id, generation_event_id);
    CREATE TABLE projections.citations (
      org_id text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      generation_event_id text NOT NULL,
      collection_id text NOT NULL,
      vector_id text NOT NULL,
      PRIMARY KEY (org_id, event_id)
    );
    CREATE INDEX citations_by_generation ON projections.citations (org_id, generation_event_id, seq);
    CREATE TABLE projections.alerts (
      org_id text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      alert_type text NOT NULL,
      collection_id text NOT NULL,
      vector_id text NOT NULL,
      occurred_at timestamptz,
      PRIMARY KEY (org_id, event_id)
    );
    CREATE INDEX alerts_newest_first ON projections.alerts (org_id, seq DESC);
    CREATE INDEX alerts_by_type ON projections.alerts (org_id, alert_type, seq DESC);
    CREATE TABLE projections.quarantine (
      org_id text NOT NULL,
      collection_id text NOT NULL,
      vector_id text NOT NULL,
      state text NOT NULL,
      reason text,
      actor text NOT NULL,
      changed_at text NOT NULL,
      event_id text NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (org_id, collection_id, vector_id)
    );`,
};

/**
 * `cairn.ledger.v1` is published after the append commits, from the entries themselves (they are the
 * outbox): `publication` holds how far each chain is published. `correlation_id` keeps the source
 * event's correlation id for the published copy; it is not part of the hashed entry.
 */
const publication: Migration = {
  id: '004-ledger-publication',
  sql: `
    ALTER TABLE ledger.entries ADD COLUMN correlation_id text;
    CREATE TABLE ledger.publication (
      org_id text PRIMARY KEY,
      published_seq bigint NOT NULL CHECK (published_seq >= 0)
    );
    -- Chains appended before this migration were published by the writer, inside its transactions.
    INSERT INTO ledger.publication (org_id, published_seq) SELECT org_id, seq FROM ledger.heads;`,
};

/** The ledger's and the projections' tables (the service adds the access copy's, the infrastructure the offsets'). */
export const ledgerMigrations: Migration[] = [ledgerTables, projectionTables, publication];
