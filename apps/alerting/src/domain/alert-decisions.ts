import { createEvent, deterministicId, type AlertType, type EventOf } from '@cairn/contracts';

export type AlertEvent = EventOf<'alert.raised.v1'>;
type RetrievalEvent = EventOf<'retrieval.recorded.v1'>;
type CitationEvent = EventOf<'citation.detected.v1'>;

export interface VectorKey {
  orgId: string;
  collectionId: string;
  vectorId: string;
}

export interface Quarantine {
  reason?: string;
}

/** The quarantine of a vector that is QUARANTINED right now; undefined when approved, released or never quarantined. */
export type QuarantineLookup = (key: VectorKey) => Quarantine | undefined;

/**
 * One alert per (alert type, retrieval or generation, vector): re-processing the same input, or a
 * second citation of the same vector by the same generation, yields the same id.
 */
export function alertId(
  orgId: string,
  type: AlertType,
  sourceEventId: string,
  collectionId: string,
  vectorId: string,
): string {
  return deterministicId(orgId, 'alert', type, sourceEventId, collectionId, vectorId);
}

/** The vectors an event could raise an alert about, whose quarantine must be known to decide. */
export function vectorsOf(event: RetrievalEvent | CitationEvent): VectorKey[] {
  if (event.type === 'citation.detected.v1') {
    return [{ orgId: event.orgId, collectionId: event.payload.collectionId, vectorId: event.payload.vectorId }];
  }
  return event.payload.results.map((result) => ({
    orgId: event.orgId,
    collectionId: event.payload.collectionId,
    vectorId: result.id,
  }));
}

function alertEvent(
  source: RetrievalEvent | CitationEvent,
  payload: AlertEvent['payload'],
  sourceEventId: string,
  now: Date,
): AlertEvent {
  return createEvent(
    {
      id: alertId(source.orgId, payload.alertType, sourceEventId, payload.collectionId, payload.vectorId),
      type: 'alert.raised.v1',
      orgId: source.orgId,
      // The time the flagged vector was served or cited, so a re-raised alert is the same event.
      occurredAt: source.occurredAt,
      correlationId: source.correlationId,
      causationId: source.id,
      payload,
    },
    now,
  );
}

const withReason = (quarantine: Quarantine) =>
  quarantine.reason === undefined ? {} : { quarantineReason: quarantine.reason };

/** `SERVED_FLAGGED` for every distinct quarantined vector a retrieval returned. */
export function servedAlerts(retrieval: RetrievalEvent, quarantined: QuarantineLookup, now: Date): AlertEvent[] {
  const { collectionId, clientEventId } = retrieval.payload;
  const seen = new Set<string>();
  const alerts: AlertEvent[] = [];
  for (const { id: vectorId } of retrieval.payload.results) {
    if (seen.has(vectorId)) continue;
    seen.add(vectorId);
    const quarantine = quarantined({ orgId: retrieval.orgId, collectionId, vectorId });
    if (!quarantine) continue;
    const payload: AlertEvent['payload'] = {
      alertType: 'SERVED_FLAGGED',
      collectionId,
      vectorId,
      ...withReason(quarantine),
      retrieval: { eventId: retrieval.id, clientEventId },
    };
    alerts.push(alertEvent(retrieval, payload, retrieval.id, now));
  }
  return alerts;
}

/** `CITED_FLAGGED` when a generation's output used a quarantined vector. */
export function citedAlert(citation: CitationEvent, quarantined: QuarantineLookup, now: Date): AlertEvent | undefined {
  const { generation, collectionId, vectorId, tier, score, spans } = citation.payload;
  const quarantine = quarantined({ orgId: citation.orgId, collectionId, vectorId });
  if (!quarantine) return undefined;
  const payload: AlertEvent['payload'] = {
    alertType: 'CITED_FLAGGED',
    collectionId,
    vectorId,
    ...withReason(quarantine),
    generation: {
      eventId: generation.eventId,
      clientEventId: generation.clientEventId,
      ...(generation.runId === undefined ? {} : { runId: generation.runId }),
      ...(generation.parentRunId === undefined ? {} : { parentRunId: generation.parentRunId }),
    },
    match: { tier, score, spans },
  };
  // Keyed by the generation, not the citation: a matcher replay under a new version cites again.
  return alertEvent(citation, payload, generation.eventId, now);
}
