import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, SERVICE_CONFIG } from '@cairn/service-kit';
import type { AlertingConfig } from '../config';
import type { CreateWebhookDto } from './webhooks.dto';
import { registrationRefusal } from './webhook-destination';
import { WebhooksRepository, type WebhookSummary } from './webhooks.repository';

export interface IssuedSecret {
  id: string;
  secret: string;
}

export interface NotificationSettings {
  dedupWindowMs: number;
  source: 'organization' | 'default';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 256 random bits; the prefix makes a leaked one easy to recognize in logs and secret scanners. */
const generateSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const notFound = (id: string) => new ApiError(404, `no webhook ${id} in this organization`);

@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    @Inject(SERVICE_CONFIG) private readonly config: AlertingConfig,
  ) {}

  async register(orgId: string, request: CreateWebhookDto): Promise<WebhookSummary & IssuedSecret> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new ApiError(400, 'invalid request: url: url must be an absolute http: or https: URL', [
        { field: 'url', message: 'url must be an absolute http: or https: URL' },
      ]);
    }
    if (!this.config.WEBHOOK_ALLOW_PRIVATE) {
      const refusal = await registrationRefusal(url);
      if (refusal !== undefined) {
        const message = `${refusal}: webhooks may only reach public addresses`;
        throw new ApiError(400, `invalid request: url: ${message}`, [{ field: 'url', message }]);
      }
    }
    const secret = request.secret ?? generateSecret();
    const webhook = await this.repository.create(orgId, randomUUID(), url.href, secret);
    return { ...webhook, secret };
  }

  list(orgId: string): Promise<WebhookSummary[]> {
    return this.repository.list(orgId);
  }

  async delete(orgId: string, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.repository.delete(orgId, id))) throw notFound(id);
  }

  async rotateSecret(orgId: string, id: string): Promise<IssuedSecret> {
    const secret = generateSecret();
    if (!UUID.test(id) || !(await this.repository.rotateSecret(orgId, id, secret))) throw notFound(id);
    return { id, secret };
  }

  async settings(orgId: string): Promise<NotificationSettings> {
    const own = await this.repository.dedupWindowMs(orgId);
    return own === undefined
      ? { dedupWindowMs: this.config.WEBHOOK_DEDUP_WINDOW_MS, source: 'default' }
      : { dedupWindowMs: own, source: 'organization' };
  }

  async updateSettings(orgId: string, dedupWindowMs: number | null): Promise<NotificationSettings> {
    await this.repository.setDedupWindowMs(orgId, dedupWindowMs);
    return this.settings(orgId);
  }
}
