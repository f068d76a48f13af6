import { createEvent, validateEvent, type EventOf } from '@cairn/contracts';
import { alertId, citedAlert, servedAlerts, vectorsOf, type QuarantineLookup } from './alert-decisions';

const now = new Date('2026-04-18T14:30:00.000Z');

function retrieval(results: string[]): EventOf<'retrieval.recorded.v1'> {
  return createEvent({
    id: 'retrieval-event-1',
    type: 'retrieval.recorded.v1',
    orgId: 'org-1',
    occurredAt: '2026-04-18T14:22:17.001Z',
    correlationId: 'chain-run-abc',
    payload: {
      clientEventId: 'client-r-1',
      source: 'buzo',
      collectionId: 'kb',
      query: { text: 'reset link?' },
      results: results.map((id) => ({ id, score: 0.5 })),
      latencyMs: 4,
      kReturned: results.length,
      timestamp: '2026-04-18T14:22:17.001Z',
    },
  });
}

function citation(vectorId: string, runId?: string): EventOf<'citation.detected.v1'> {
  return createEvent({
    id: `citation-${vectorId}`,
    type: 'citation.detected.v1',
    orgId: 'org-1',
    occurredAt: '2026-04-18T14:22:18.015Z',
    causationId: 'correlation-1',
    payload: {
      generation: { eventId: 'generation-event-1', clientEventId: 'client-g-1', ...(runId ? { runId } : {}) },
      collectionId: 'kb',
      vectorId,
      retrievalEventId: 'retrieval-event-1',
      tier: 'verbatim',
      score: 0.92,
      spans: [{ start: 3, end: 40 }],
      matcherVersion: 'm1',
    },
  });
}

const quarantinedOnly =
  (vectors: Record<string, string | undefined>): QuarantineLookup =>
  ({ orgId, collectionId, vectorId }) =>
    orgId === 'org-1' && collectionId === 'kb' && vectorId in vectors
      ? vectors[vectorId] === undefined
        ? {}
        : { reason: vectors[vectorId] }
      : undefined;

describe('servedAlerts', () => {
  it('raises one SERVED_FLAGGED per distinct quarantined vector, valid against the contract', () => {
    const alerts = servedAlerts(
      retrieval(['v1', 'v2', 'v1', 'v3']),
      quarantinedOnly({ v1: 'poisoned', v3: undefined }),
      now,
    );
    expect(alerts.map((alert) => alert.payload)).toEqual([
      {
        alertType: 'SERVED_FLAGGED',
        collectionId: 'kb',
        vectorId: 'v1',
        quarantineReason: 'poisoned',
        retrieval: { eventId: 'retrieval-event-1', clientEventId: 'client-r-1' },
      },
      {
        alertType: 'SERVED_FLAGGED',
        collectionId: 'kb',
        vectorId: 'v3',
        retrieval: { eventId: 'retrieval-event-1', clientEventId: 'client-r-1' },
      },
    ]);
    expect(alerts[0]).toMatchObject({
      id: alertId('org-1', 'SERVED_FLAGGED', 'retrieval-event-1', 'kb', 'v1'),
      orgId: 'org-1',
      occurredAt: '2026-04-18T14:22:17.001Z',
      recordedAt: now.toISOString(),
      correlationId: 'chain-run-abc',
      causationId: 'retrieval-event-1',
    });
    expect(alerts.map((alert) => validateEvent(alert).ok)).toEqual([true, true]);
  });

  it('raises nothing for vectors that are not quarantined', () => {
    expect(servedAlerts(retrieval(['v1', 'v2']), quarantinedOnly({}), now)).toEqual([]);
    expect(servedAlerts(retrieval([]), quarantinedOnly({ v1: 'x' }), now)).toEqual([]);
  });

  it('yields the same ids when the same retrieval is processed again later', () => {
    const lookup = quarantinedOnly({ v1: 'poisoned' });
    const first = servedAlerts(retrieval(['v1']), lookup, now);
    const again = servedAlerts(retrieval(['v1']), lookup, new Date(now.getTime() + 60_000));
    expect(again.map((alert) => alert.id)).toEqual(first.map((alert) => alert.id));
  });
});

describe('citedAlert', () => {
  it("raises CITED_FLAGGED carrying the generation's ids, the match and the quarantine reason", () => {
    const alert = citedAlert(citation('v1', 'run-7'), quarantinedOnly({ v1: 'leaked PII' }), now);
    expect(alert).toMatchObject({
      id: alertId('org-1', 'CITED_FLAGGED', 'generation-event-1', 'kb', 'v1'),
      type: 'alert.raised.v1',
      occurredAt: '2026-04-18T14:22:18.015Z',
      causationId: 'citation-v1',
      payload: {
        alertType: 'CITED_FLAGGED',
        collectionId: 'kb',
        vectorId: 'v1',
        quarantineReason: 'leaked PII',
        generation: { eventId: 'generation-event-1', clientEventId: 'client-g-1', runId: 'run-7' },
        match: { tier: 'verbatim', score: 0.92, spans: [{ start: 3, end: 40 }] },
      },
    });
    expect(alert && validateEvent(alert).ok).toBe(true);
  });

  it('is keyed by generation and vector, not by citation, so a second citation of the pair is the same alert', () => {
    const lookup = quarantinedOnly({ v1: undefined });
    const first = citedAlert(citation('v1'), lookup, now);
    const second = citedAlert({ ...citation('v1'), id: 'citation-under-matcher-v2' }, lookup, now);
    expect(second?.id).toBe(first?.id);
    expect(citedAlert(citation('v2'), lookup, now)).toBeUndefined();
  });

  it('keeps served and cited alerts of the same vector apart', () => {
    const lookup = quarantinedOnly({ v1: undefined });
    expect(alertId('org-1', 'SERVED_FLAGGED', 'x', 'kb', 'v1')).not.toBe(
      alertId('org-1', 'CITED_FLAGGED', 'x', 'kb', 'v1'),
    );
    expect(citedAlert(citation('v1'), lookup, now)?.id).not.toBe(servedAlerts(retrieval(['v1']), lookup, now)[0]?.id);
  });
});

describe('vectorsOf', () => {
  it('lists the vectors a retrieval returned or a citation names', () => {
    expect(vectorsOf(retrieval(['v1', 'v2']))).toEqual([
      { orgId: 'org-1', collectionId: 'kb', vectorId: 'v1' },
      { orgId: 'org-1', collectionId: 'kb', vectorId: 'v2' },
    ]);
    expect(vectorsOf(citation('v9'))).toEqual([{ orgId: 'org-1', collectionId: 'kb', vectorId: 'v9' }]);
  });
});
