import { Inject, Injectable } from '@nestjs/common';
import { Topics, type CairnEvent, type EventOf } from '@cairn/contracts';
import type { BatchContext, ConsumedEvent } from '@cairn/kafka';
import { Infrastructure, SERVICE_CONFIG } from '@cairn/service-kit';
import type { AlertingConfig } from '../config';
import { QuarantineRepository, type QuarantineState } from './quarantine.repository';

const STATE_OF = {
  'vector.quarantined.v1': 'QUARANTINED',
  'vector.approved.v1': 'APPROVED',
  'vector.released.v1': 'RELEASED',
} as const satisfies Record<string, QuarantineState>;

type Decision = EventOf<keyof typeof STATE_OF>;
const isDecision = (event: CairnEvent): event is Decision => Object.hasOwn(STATE_OF, event.type);

/** Applies quarantine decisions from cairn.vectors.v1 to alerting's own quarantine table. */
@Injectable()
export class QuarantineConsumer {
  constructor(
    private readonly repository: QuarantineRepository,
    @Inject(SERVICE_CONFIG) config: AlertingConfig,
    infrastructure: Infrastructure,
  ) {
    infrastructure.registerConsumer({
      groupId: `${config.ALERTING_GROUP_ID}-quarantine`,
      topics: [Topics.vectors],
      handler: (events, context) => this.handle(events, context),
    });
  }

  async handle(events: readonly ConsumedEvent[], { client }: BatchContext): Promise<void> {
    for (const { event, offset } of events) {
      if (!isDecision(event)) continue;
      await this.repository.apply(client, {
        orgId: event.orgId,
        collectionId: event.payload.collectionId,
        vectorId: event.payload.vectorId,
        state: STATE_OF[event.type],
        reason: event.payload.reason,
        decidedAt: event.occurredAt,
        offset,
        eventId: event.id,
      });
    }
  }
}
