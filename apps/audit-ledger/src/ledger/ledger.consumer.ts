import { Inject, Injectable } from '@nestjs/common';
import { DOMAIN_TOPICS } from '@cairn/contracts';
import type { BatchContext, ConsumedEvent } from '@cairn/kafka';
import type { ChainHead, JsonValue } from '@cairn/ledger';
import { Infrastructure, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { LedgerConfig } from '../config';
import {
  chainPrepared,
  prepareCandidates,
  withoutRepeats,
  type AppendCandidate,
  type PreparedCandidate,
} from '../domain/chain-append';
import { collectHeads } from './head-gauge';
import { LedgerRepository, type OrgEntry } from './ledger.repository';

/**
 * The ledger writer: every event on every domain topic becomes one entry of its organization's chain.
 * A batch (up to 1,000 events of one topic-partition) is appended in the transaction that stores its
 * offsets: repeats skipped and texts canonicalized, then heads locked, entries chained, inserted and
 * heads advanced with one statement. Nothing
 * is published here: the head locks are held only for Postgres work, and `LedgerPublisher` puts the
 * committed entries on `cairn.ledger.v1`. An event that can never be hashed is dead-lettered on its own;
 * the rest of the batch is appended.
 */
@Injectable()
export class LedgerConsumer {
  constructor(
    private readonly ledger: LedgerRepository,
    @Inject(SERVICE_CONFIG) config: LedgerConfig,
    infrastructure: Infrastructure,
    metrics: Metrics,
  ) {
    // Read from Postgres at every scrape, so every replica reports it, the writer or not.
    metrics.gauge(
      'cairn_ledger_head_seq',
      "Seq of the last entry of each organization's hash chain",
      ['org'],
      collectHeads(() => ledger.headSeqs()),
    );
    if (!config.LEDGER_WRITER_ENABLED) return;
    infrastructure.registerConsumer({
      groupId: config.LEDGER_GROUP_ID,
      topics: DOMAIN_TOPICS,
      partitionsConsumedConcurrently: config.LEDGER_PARTITIONS_CONCURRENTLY,
      handler: (events, context) => this.append(events, context),
    });
  }

  async append(events: readonly ConsumedEvent[], context: BatchContext): Promise<void> {
    const { client } = context;
    const byOrg = new Map<string, AppendCandidate<ConsumedEvent>[]>();
    for (const consumed of events) {
      const { id, type, orgId, occurredAt, payload } = consumed.event;
      let candidates = byOrg.get(orgId);
      if (candidates === undefined) byOrg.set(orgId, (candidates = []));
      // Validated JSON from Kafka; whether it can be canonicalized is checked when it is chained.
      candidates.push({ entry: { eventId: id, type, occurredAt, payload: payload as JsonValue }, source: consumed });
    }

    // Before the heads are locked (held until the commit, while other partitions of these organizations
    // wait): which events the chains hold already, and the canonical texts, the costly part. A repeat
    // appended meanwhile by another transaction would fail the unique event id, and the batch be retried.
    const present = await this.ledger.presentEventIds(
      client,
      events.map(({ event }) => ({ orgId: event.orgId, eventId: event.id })),
    );
    const preparedByOrg = new Map<string, PreparedCandidate<ConsumedEvent>[]>();
    for (const [orgId, candidates] of byOrg) {
      const { prepared, refused } = prepareCandidates(withoutRepeats(candidates, present.get(orgId) ?? new Set()));
      for (const { source, reason } of refused) context.deadLetter(source, reason);
      preparedByOrg.set(orgId, prepared);
    }

    const heads = await this.ledger.lockHeads(client, [...byOrg.keys()]);
    const appended: OrgEntry[] = [];
    const advanced = new Map<string, ChainHead>();
    for (const [orgId, prepared] of preparedByOrg) {
      const result = chainPrepared(orgId, heads.get(orgId) ?? null, prepared);
      for (const { entry, source } of result.appended) {
        appended.push({ orgId, entry, correlationId: source.event.correlationId ?? null });
      }
      if (result.appended.length > 0 && result.head !== null) advanced.set(orgId, result.head);
    }
    if (appended.length > 0) await this.ledger.appendEntries(client, appended, advanced);
  }
}
