import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Infrastructure, JsonLogger, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { Counter, Histogram } from 'prom-client';
import type { AlertingConfig } from '../config';
import { OUTCOME_NAMES, outcomeName, type DeliveryOutcome } from '../domain/delivery-outcome';
import { afterFailure, type RetryPolicy } from '../domain/retry-schedule';
import { signatureHeader } from '../domain/signature';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { postWebhook, type SendResult } from './webhook-sender';

const isSuccess = (result: SendResult) =>
  result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;

/**
 * Sends the outbox. A timer claims due deliveries (as many as there are free sending slots) and
 * sends each on its own, so a slow receiver delays only its own deliveries. Every attempt is
 * recorded; failures are retried on the backoff schedule until the retry period runs out.
 */
@Injectable()
export class DeliveriesWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: JsonLogger;
  private readonly policy: RetryPolicy;
  private readonly attempts: Counter<'outcome'>;
  private readonly attemptDuration: Histogram<'outcome'>;
  private readonly sending = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly infrastructure: Infrastructure,
    @Inject(SERVICE_CONFIG) private readonly config: AlertingConfig,
    metrics: Metrics,
  ) {
    this.logger = new JsonLogger('alerting', config.LOG_LEVEL);
    this.policy = config.retryPolicy();
    this.attempts = metrics.counter(
      'cairn_webhook_deliveries_total',
      'Webhook delivery attempts recorded, by outcome: delivered, retrying (failed, tried again later), failed (given up)',
      ['outcome'],
    );
    // Every outcome's series from the start, so the first failure is an increase from 0, not a new series.
    for (const outcome of OUTCOME_NAMES) this.attempts.inc({ outcome }, 0);
    this.attemptDuration = metrics.histogram(
      'cairn_webhook_delivery_duration_seconds',
      'One webhook delivery attempt, until the status line or the error, by outcome',
      ['outcome'],
    );
  }

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOK_DELIVERY_ENABLED) return;
    this.timer = setInterval(() => this.fill(), this.config.WEBHOOK_POLL_INTERVAL_MS);
  }

  /** Stops claiming and lets the deliveries in flight finish (each within the HTTP timeout). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.claiming;
    await Promise.allSettled([...this.sending]);
  }

  private fill(): void {
    if (this.stopping || !this.infrastructure.isInitialized) return;
    this.claiming ??= this.claim()
      .catch((error: unknown) =>
        this.logger.write('warn', 'could not claim deliveries; retrying on the next tick', [], {
          error: String(error),
        }),
      )
      .finally(() => (this.claiming = undefined));
  }

  private async claim(): Promise<void> {
    const free = this.config.WEBHOOK_DELIVERY_CONCURRENCY - this.sending.size;
    if (free <= 0) return;
    const claimed = await this.repository.claimDue(free, this.config.WEBHOOK_LEASE_MS);
    for (const delivery of claimed) {
      const sending = this.deliver(delivery).finally(() => {
        this.sending.delete(sending);
        // A slot is free: more may be due already, without waiting for the next tick.
        this.fill();
      });
      this.sending.add(sending);
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = new Date();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const result = await postWebhook(
      new URL(delivery.url),
      delivery.body,
      {
        'Cairn-Signature': signatureHeader(delivery.secret, timestamp, delivery.body),
        'Cairn-Event-Id': delivery.alertId,
        'Cairn-Delivery-Id': delivery.id,
        'Cairn-Delivery-Attempt': String(delivery.attempt),
      },
      { timeoutMs: this.config.WEBHOOK_TIMEOUT_MS, allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE },
    );
    const outcome: DeliveryOutcome = isSuccess(result)
      ? { delivered: true }
      : afterFailure(delivery.attempt, delivery.ageMs + result.durationMs, this.policy);
    if ('giveUp' in outcome) {
      this.logger.write('warn', 'webhook delivery failed for good', [], {
        delivery: delivery.id,
        attempts: delivery.attempt,
        error: result.error ?? `status ${result.statusCode}`,
      });
    }
    try {
      await this.repository.recordAttempt(delivery, { startedAt, ...result }, outcome);
    } catch (error) {
      // The lease runs out and the delivery is sent again: at least once, never lost.
      this.logger.write('warn', 'could not record a delivery attempt', [], {
        delivery: delivery.id,
        error: String(error),
      });
      return;
    }
    // Counted once its record is committed: one count per row of `alerting.delivery_attempts`.
    const name = outcomeName(outcome);
    this.attempts.inc({ outcome: name });
    this.attemptDuration.observe({ outcome: name }, result.durationMs / 1000);
  }
}
