import { entryHash, genesisHash } from '@cairn/ledger';
import { goldenCandidates, goldenChain } from '../../test/golden/golden-fixture';
import { appendEntries, chainHash, withoutRepeats, type AppendCandidate } from './chain-append';

const candidate = (eventId: string, payload: unknown): AppendCandidate<string> => ({
  entry: { eventId, type: 'span.recorded.v1', occurredAt: '2026-04-18T14:22:18.015Z', payload: payload as never },
  source: eventId,
});

describe('appendEntries', () => {
  it('chains the golden events exactly as the independent Python implementation does', () => {
    const { orgId, entries } = goldenChain();
    const result = appendEntries(orgId, null, goldenCandidates());
    expect(result.refused).toEqual([]);
    expect(
      result.appended.map(({ entry }) => ({
        seq: entry.seq,
        eventId: entry.eventId,
        canonical: entry.canonical,
        prevHash: entry.prevHash,
        hash: entry.hash,
      })),
    ).toEqual(entries);
    expect(result.head).toEqual({ seq: 7, hash: entries[6]!.hash });
    expect(entries[0]!.prevHash).toBe(genesisHash(orgId));
  });

  it('continues a chain after its head with the same seqs and hashes', () => {
    const { orgId, entries } = goldenChain();
    const head = { seq: 3, hash: entries[2]!.hash };
    const result = appendEntries(orgId, head, goldenCandidates().slice(3));
    expect(result.appended.map(({ entry }) => [entry.seq, entry.hash])).toEqual(
      entries.slice(3).map((entry) => [entry.seq, entry.hash]),
    );
  });

  it('hashes the stored text to the value the library computes from the entry', () => {
    const [first] = appendEntries('org-x', null, goldenCandidates()).appended;
    const { seq, eventId, type, occurredAt } = first!.entry;
    const payload = goldenCandidates()[0]!.entry.payload;
    expect(chainHash(first!.entry.prevHash, first!.entry.canonical)).toBe(
      entryHash(genesisHash('org-x'), { seq, eventId, type, occurredAt, payload }),
    );
  });

  it('refuses an event that cannot be canonicalized without giving it a seq', () => {
    const result = appendEntries('org-x', null, [
      candidate('e1', { a: 1 }),
      candidate('e2', { text: 'broken \uD800 surrogate' }),
      candidate('e3', { big: Infinity }),
      candidate('e4', { a: 2 }),
    ]);
    expect(result.appended.map(({ entry }) => [entry.seq, entry.eventId])).toEqual([
      [1, 'e1'],
      [2, 'e4'],
    ]);
    expect(result.appended[1]!.entry.prevHash).toBe(result.appended[0]!.entry.hash);
    expect(result.refused).toEqual([
      {
        source: 'e2',
        reason:
          'cannot be recorded in the audit ledger: cannot canonicalize value at $.payload.text: lone surrogate U+D800 at string index 7',
      },
      {
        source: 'e3',
        reason:
          'cannot be recorded in the audit ledger: cannot canonicalize value at $.payload.big: Infinity is not a JSON number',
      },
    ]);
  });

  it('refuses an event id holding U+0000, which a Postgres text column cannot store', () => {
    const result = appendEntries('org-x', null, [candidate('bad\u0000id', {})]);
    expect(result.appended).toEqual([]);
    expect(result.head).toBeNull();
    expect(result.refused[0]?.reason).toBe('cannot be recorded in the audit ledger: eventId contains U+0000');
  });

  it('writes canonical texts without a raw line feed, which the store uses to separate them', () => {
    const [appended] = appendEntries('org-x', null, [
      candidate('e1', { 'multi\nline': 'a\nb\r\n', list: ['\n'] }),
    ]).appended;
    expect(appended!.entry.canonical).not.toContain('\n');
    expect(appended!.entry.canonical).toContain('"multi\\nline":"a\\nb\\r\\n"');
  });

  it('stores U+0000 inside a payload as the six characters of its JSON escape', () => {
    const [appended] = appendEntries('org-x', null, [candidate('e1', { text: 'a\u0000b' })]).appended;
    expect(appended!.entry.canonical).toContain('"text":"a\\u0000b"');
  });
});

describe('withoutRepeats', () => {
  it('drops ids the chain holds and repeats within the batch, keeping the first', () => {
    const kept = withoutRepeats(
      [candidate('a', 1), candidate('b', 2), candidate('a', 3), candidate('c', 4)],
      new Set(['b']),
    );
    expect(kept.map(({ entry }) => [entry.eventId, entry.payload])).toEqual([
      ['a', 1],
      ['c', 4],
    ]);
  });
});
