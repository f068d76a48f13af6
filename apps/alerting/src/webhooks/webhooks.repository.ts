import { Inject, Injectable } from '@nestjs/common';
import { withTransaction, type Pool, type PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import { ALERTING_SCHEMA as S } from '../migrations';

export interface WebhookSummary {
  id: string;
  url: string;
  createdAt: string;
  secretRotatedAt: string | null;
}

interface WebhookRow {
  id: string;
  url: string;
  created_at: Date;
  secret_rotated_at: Date | null;
}

const summaryOf = (row: WebhookRow): WebhookSummary => ({
  id: row.id,
  url: row.url,
  createdAt: row.created_at.toISOString(),
  secretRotatedAt: row.secret_rotated_at?.toISOString() ?? null,
});

/** Webhooks and notification settings per organization. Every query is scoped by organization. */
@Injectable()
export class WebhooksRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async create(orgId: string, id: string, url: string, secret: string): Promise<WebhookSummary> {
    const { rows } = await this.pool.query<WebhookRow>(
      `INSERT INTO ${S}.webhooks (id, org_id, url, secret) VALUES ($1, $2, $3, $4)
       RETURNING id, url, created_at, secret_rotated_at`,
      [id, orgId, url, secret],
    );
    return summaryOf(rows[0]!);
  }

  async list(orgId: string): Promise<WebhookSummary[]> {
    const { rows } = await this.pool.query<WebhookRow>(
      `SELECT id, url, created_at, secret_rotated_at FROM ${S}.webhooks
       WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [orgId],
    );
    return rows.map(summaryOf);
  }

  /** Soft-deletes (deliveries keep their history) and cancels what was still to be sent; false if not found. */
  async delete(orgId: string, id: string): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE ${S}.webhooks SET deleted_at = now() WHERE id = $1 AND org_id = $2 AND deleted_at IS NULL`,
        [id, orgId],
      );
      if (rowCount === 0) return false;
      await client.query(
        `UPDATE ${S}.deliveries SET status = 'cancelled', completed_at = now(), claim_token = NULL
         WHERE webhook_id = $1 AND status = 'pending'`,
        [id],
      );
      return true;
    });
  }

  /** False if not found. Deliveries are signed with the secret current when they are sent. */
  async rotateSecret(orgId: string, id: string, secret: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${S}.webhooks SET secret = $3, secret_rotated_at = now()
       WHERE id = $1 AND org_id = $2 AND deleted_at IS NULL`,
      [id, orgId, secret],
    );
    return rowCount === 1;
  }

  /** The organization's dedup window, or undefined when it uses the service default. */
  async dedupWindowMs(orgId: string, client: Pick<PoolClient, 'query'> = this.pool): Promise<number | undefined> {
    const { rows } = await client.query<{ dedup_window_ms: string }>(
      `SELECT dedup_window_ms FROM ${S}.notification_settings WHERE org_id = $1`,
      [orgId],
    );
    return rows[0] === undefined ? undefined : Number(rows[0].dedup_window_ms);
  }

  async setDedupWindowMs(orgId: string, windowMs: number | null): Promise<void> {
    if (windowMs === null) {
      await this.pool.query(`DELETE FROM ${S}.notification_settings WHERE org_id = $1`, [orgId]);
      return;
    }
    await this.pool.query(
      `INSERT INTO ${S}.notification_settings (org_id, dedup_window_ms) VALUES ($1, $2)
       ON CONFLICT (org_id) DO UPDATE SET dedup_window_ms = excluded.dedup_window_ms, updated_at = now()`,
      [orgId, windowMs],
    );
  }
}
