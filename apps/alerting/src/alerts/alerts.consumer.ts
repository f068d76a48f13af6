import { Inject, Injectable } from '@nestjs/common';
import { Topics, type CairnEvent, type EventOf } from '@cairn/contracts';
import type { BatchContext, ConsumedEvent } from '@cairn/kafka';
import type { PoolClient } from '@cairn/pg';
import { Infrastructure, SERVICE_CONFIG } from '@cairn/service-kit';
import type { AlertingConfig } from '../config';
import { citedAlert, servedAlerts, vectorsOf, type AlertEvent } from '../domain/alert-decisions';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { QuarantineRepository } from '../quarantine/quarantine.repository';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { AlertsRepository } from './alerts.repository';

type AlertSource = EventOf<'retrieval.recorded.v1'> | EventOf<'citation.detected.v1'>;

const isAlertSource = (event: CairnEvent): event is AlertSource =>
  event.type === 'retrieval.recorded.v1' || event.type === 'citation.detected.v1';

/**
 * Raises SERVED_FLAGGED for retrievals (cairn.ingest.v1) and CITED_FLAGGED for citations
 * (cairn.citations.v1) of vectors quarantined at the time. In the transaction that stores the
 * offsets it records each new alert, queues it on cairn.alerts.v1 and adds one outbox row per
 * webhook — so an alert is raised once, and none is lost between Kafka and the webhooks.
 */
@Injectable()
export class AlertsConsumer {
  private readonly defaultDedupWindowMs: number;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly quarantine: QuarantineRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    @Inject(SERVICE_CONFIG) config: AlertingConfig,
    infrastructure: Infrastructure,
  ) {
    this.defaultDedupWindowMs = config.WEBHOOK_DEDUP_WINDOW_MS;
    infrastructure.registerConsumer({
      groupId: `${config.ALERTING_GROUP_ID}-alerts`,
      topics: [Topics.ingest, Topics.citations],
      handler: (events, context) => this.handle(events, context),
    });
  }

  async handle(events: readonly ConsumedEvent[], context: BatchContext): Promise<void> {
    const { client, now } = context;
    const sources = events.map(({ event }) => event).filter(isAlertSource);
    if (sources.length === 0) return;
    const quarantined = await this.quarantine.lookup(client, sources.flatMap(vectorsOf));
    const raised = sources.flatMap((source) =>
      source.type === 'retrieval.recorded.v1'
        ? servedAlerts(source, quarantined, now)
        : (citedAlert(source, quarantined, now) ?? []),
    );
    const dedupWindows = new Map<string, number>();
    for (const alert of raised) {
      if (!(await this.alerts.record(client, alert, now))) continue;
      context.publish(alert);
      let windowMs = dedupWindows.get(alert.orgId);
      if (windowMs === undefined) {
        windowMs = (await this.webhooks.dedupWindowMs(alert.orgId, client)) ?? this.defaultDedupWindowMs;
        dedupWindows.set(alert.orgId, windowMs);
      }
      await this.notify(client, alert, now, windowMs);
    }
  }

  /** Queues deliveries unless webhooks heard of this (type, vector) within the dedup window. */
  private async notify(client: PoolClient, alert: AlertEvent, now: Date, dedupWindowMs: number): Promise<void> {
    if (await this.alerts.notifiedWithin(client, alert, now, dedupWindowMs)) return;
    const queued = await this.deliveries.queue(client, alert.id, alert.orgId);
    if (queued > 0) await this.alerts.markNotified(client, alert.id);
  }
}
