import type { Migration } from '@cairn/pg';

export const ALERTING_SCHEMA = 'alerting';

export const alertingMigrations: Migration[] = [
  {
    id: '002-quarantine',
    // The latest decision per vector, with its position in cairn.vectors.v1 to break occurredAt ties.
    sql: `CREATE TABLE quarantine (
      org_id text NOT NULL,
      collection_id text NOT NULL,
      vector_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('QUARANTINED', 'APPROVED', 'RELEASED')),
      reason text,
      decided_at timestamptz NOT NULL,
      decision_offset bigint NOT NULL,
      decision_event_id text NOT NULL,
      PRIMARY KEY (org_id, collection_id, vector_id)
    );`,
  },
  {
    id: '003-webhooks',
    sql: `
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY,
        org_id text NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz,
        deleted_at timestamptz
      );
      CREATE INDEX webhooks_active_by_org ON webhooks (org_id) WHERE deleted_at IS NULL;

      -- Per-organization override of WEBHOOK_DEDUP_WINDOW_MS; no row means the default.
      CREATE TABLE notification_settings (
        org_id text PRIMARY KEY,
        dedup_window_ms bigint NOT NULL CHECK (dedup_window_ms >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    id: '004-alerts-and-deliveries',
    sql: `
      CREATE TABLE alerts (
        id text PRIMARY KEY,
        org_id text NOT NULL,
        alert_type text NOT NULL,
        collection_id text NOT NULL,
        vector_id text NOT NULL,
        -- The alert.raised.v1 event exactly as published, and as sent to webhooks.
        body text NOT NULL,
        raised_at timestamptz NOT NULL,
        -- Whether deliveries were queued for it: false inside the dedup window or without webhooks.
        notified boolean NOT NULL DEFAULT false
      );
      CREATE INDEX alerts_notified_by_vector ON alerts (org_id, alert_type, collection_id, vector_id, raised_at)
        WHERE notified;

      -- The outbox: one row per (alert, webhook), inserted in the transaction that records the alert.
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        alert_id text NOT NULL REFERENCES alerts (id),
        webhook_id uuid NOT NULL REFERENCES webhooks (id),
        org_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- When a pending delivery is next due; a claim pushes it one lease ahead.
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claim_token uuid,
        completed_at timestamptz,
        UNIQUE (alert_id, webhook_id)
      );
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id) WHERE status = 'pending';

      CREATE TABLE delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES deliveries (id),
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      );`,
  },
];
