import { deterministicId, validateEvent } from '@cairn/contracts';
import { goldenCandidates } from '../../test/golden/golden-fixture';
import { appendEntries } from './chain-append';
import { ledgerAppendedEvent } from './ledger-appended';

const NOW = new Date('2026-04-18T15:00:00.000Z');

describe('ledgerAppendedEvent', () => {
  const candidates = goldenCandidates();
  const appended = appendEntries('org-a', null, candidates).appended;

  it('carries the chained entry, its payload read back from the stored text', () => {
    const { entry } = appended[2]!;
    const event = ledgerAppendedEvent('org-a', { ...entry, correlationId: 'corr-1' }, NOW);
    expect(validateEvent(event)).toEqual({ ok: true, event });
    expect(event).toMatchObject({
      id: deterministicId('org-a', 'ledger', '3'),
      orgId: 'org-a',
      correlationId: 'corr-1',
      causationId: entry.eventId,
      payload: { seq: 3, eventId: entry.eventId, type: entry.type, prevHash: entry.prevHash, hash: entry.hash },
    });
    expect(event.payload.payload).toEqual(candidates[2]!.entry.payload);
  });

  it('leaves correlationId out when the source event had none, and repeats its id for the same position', () => {
    const { entry } = appended[0]!;
    const first = ledgerAppendedEvent('org-a', { ...entry, correlationId: null }, NOW);
    const again = ledgerAppendedEvent('org-a', { ...entry, correlationId: null }, new Date(NOW.getTime() + 1));
    expect('correlationId' in first).toBe(false);
    expect(again.id).toBe(first.id);
    expect(ledgerAppendedEvent('org-b', { ...entry, correlationId: null }, NOW).id).not.toBe(first.id);
  });
});
