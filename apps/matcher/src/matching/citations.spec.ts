import { createEvent, validateEvent, type EventOf } from '@cairn/contracts';
import { MATCHER_VERSION } from '@cairn/matching';
import { citationsFor, effectiveMatcherVersion } from './citations';

const at = '2026-04-18T14:22:18.015Z';
const used = 'Password reset links expire after twenty four hours and can be requested again from the login page.';
const unrelated = 'Our office in Lisbon is open Monday to Friday and closed on public holidays in Portugal.';

function correlation(vectors: EventOf<'generation.correlated.v1'>['payload']['vectors']) {
  return createEvent({
    id: 'corr-1',
    type: 'generation.correlated.v1',
    orgId: 'org-1',
    occurredAt: at,
    payload: {
      generation: {
        eventId: 'gen-1',
        clientEventId: 'g-1',
        runId: 'run-1',
        timestamp: at,
        outputText: `Sure. ${used} Let me know if you need anything else.`,
      },
      retrievals: [{ eventId: 'ret-1', clientEventId: 'r-1', collectionId: 'kb', timestamp: at }],
      vectors,
    },
  });
}

const vector = (vectorId: string, content: string | undefined) => ({
  collectionId: 'kb',
  vectorId,
  retrievalEventId: 'ret-1',
  score: 0.8,
  ...(content === undefined ? {} : { content }),
  contentSource: content === undefined ? ('unknown' as const) : ('retrieval' as const),
});

describe('citationsFor', () => {
  const now = new Date(at);

  it('cites the vector the output reuses, not the unrelated one, and counts unknown content', () => {
    const outcome = citationsFor(
      correlation([vector('v-used', used), vector('v-other', unrelated), vector('v-unknown', undefined)]),
      {},
      MATCHER_VERSION,
      now,
    );
    expect(outcome.unknownContent).toBe(1);
    expect(outcome.matched).toBe(2);
    expect(outcome.citations).toHaveLength(1);
    const [citation] = outcome.citations;
    expect(citation!.payload).toMatchObject({
      vectorId: 'v-used',
      collectionId: 'kb',
      tier: 'verbatim',
      retrievalEventId: 'ret-1',
      generation: { eventId: 'gen-1', clientEventId: 'g-1', runId: 'run-1' },
      matcherVersion: MATCHER_VERSION,
    });
    const output = `Sure. ${used} Let me know if you need anything else.`;
    const [span] = citation!.payload.spans;
    expect(output.slice(span!.start, span!.end)).toContain('expire after twenty four hours');
    expect(validateEvent(citation).ok).toBe(true);
  });

  it('gives the same ids for the same generation and vector, whatever the correlation', () => {
    const first = citationsFor(correlation([vector('v-used', used)]), {}, MATCHER_VERSION, now);
    const again = citationsFor(
      { ...correlation([vector('v-used', used), vector('v-used', used)]), id: 'corr-2' },
      {},
      MATCHER_VERSION,
      now,
    );
    expect(again.citations.map((event) => event.id)).toEqual(first.citations.map((event) => event.id));
    const otherVersion = citationsFor(correlation([vector('v-used', used)]), {}, 'other', now);
    expect(otherVersion.citations[0]!.id).not.toBe(first.citations[0]!.id);
  });

  it('stamps a distinct version when thresholds are overridden', () => {
    expect(effectiveMatcherVersion({})).toBe(MATCHER_VERSION);
    expect(effectiveMatcherVersion({ ngramMinEvidence: 60 })).toMatch(new RegExp(`^${MATCHER_VERSION}\\+[0-9a-f]{8}$`));
    expect(effectiveMatcherVersion({ ngramMinEvidence: 60 })).not.toBe(
      effectiveMatcherVersion({ ngramMinEvidence: 61 }),
    );
  });
});
