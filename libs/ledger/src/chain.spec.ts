import { createHash } from 'node:crypto';
import {
  canonicalEntry,
  canonicalize,
  chainEntries,
  ChainVerifier,
  entryHash,
  genesisHash,
  verifyChain,
  type ChainedEntry,
  type LedgerEntry,
  type NewLedgerEntry,
} from './index';

const ORG = 'org-1';

function newEntries(count: number, from = 1): NewLedgerEntry[] {
  return Array.from({ length: count }, (_, offset) => {
    const n = from + offset;
    return {
      eventId: `event-${n}`,
      type: n % 2 === 0 ? 'retrieval.recorded.v1' : 'generation.recorded.v1',
      occurredAt: `2026-04-18T14:22:${String(n % 60).padStart(2, '0')}.000Z`,
      payload: { n, text: `café ${n}`, results: [{ id: `v${n}`, score: n / 10 }] },
    };
  });
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the chain formula', () => {
  it('derives the genesis hash from the organization id', () => {
    expect(genesisHash(ORG)).toBe(sha256Hex('cairn-ledger-genesis:org-1'));
    expect(genesisHash('org-café')).toBe(sha256Hex('cairn-ledger-genesis:org-café'));
    expect(() => genesisHash('')).toThrow('orgId must be a non-empty string');
  });

  it('hashes the hex text of prevHash followed by the canonical entry', () => {
    const entry: LedgerEntry = {
      seq: 1,
      eventId: 'e1',
      type: 't',
      occurredAt: '2026-01-01T00:00:00.000Z',
      payload: { b: 1, a: [] },
    };
    const canonical =
      '{"eventId":"e1","occurredAt":"2026-01-01T00:00:00.000Z","payload":{"a":[],"b":1},"seq":1,"type":"t"}';
    expect(canonicalEntry(entry)).toBe(canonical);
    expect(entryHash(genesisHash(ORG), entry)).toBe(sha256Hex(genesisHash(ORG) + canonical));
  });

  it('writes the same bytes as canonicalize() of the five-member entry', () => {
    for (const entry of chainEntries(ORG, null, newEntries(20))) {
      const { seq, eventId, type, occurredAt, payload } = entry;
      expect(canonicalEntry(entry)).toBe(canonicalize({ seq, eventId, type, occurredAt, payload }));
    }
  });

  it('refuses entries it cannot hash, naming the member', () => {
    const entry: LedgerEntry = { seq: 1, eventId: 'e', type: 't', occurredAt: 'now', payload: null };
    const genesis = genesisHash(ORG);
    expect(() => entryHash(genesis, { ...entry, seq: 0 })).toThrow('seq must be a positive integer, got 0');
    expect(() => entryHash(genesis, { ...entry, seq: 1.5 })).toThrow('seq must be a positive integer');
    expect(() => entryHash(genesis, { ...entry, eventId: 7 as unknown as string })).toThrow('eventId must be a string');
    expect(() => entryHash(genesis, { ...entry, payload: { at: NaN } })).toThrow('at $.payload.at: NaN');
    expect(() => entryHash(genesis.toUpperCase(), entry)).toThrow('prevHash must be 64 lowercase hex characters');
  });
});

describe('chainEntries', () => {
  it('links each entry to the one before, from the genesis hash', () => {
    const chained = chainEntries(ORG, null, newEntries(3));
    expect(chained.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(chained[0]?.prevHash).toBe(genesisHash(ORG));
    expect(chained[1]?.prevHash).toBe(chained[0]?.hash);
    expect(chained[2]?.prevHash).toBe(chained[1]?.hash);
    for (const entry of chained) expect(entry.hash).toBe(entryHash(entry.prevHash, entry));
  });

  it('continues after a head exactly as one long batch would', () => {
    const all = chainEntries(ORG, null, newEntries(7));
    const first = chainEntries(ORG, null, newEntries(4));
    const head = { seq: 4, hash: first[3]?.hash ?? '' };
    expect([...first, ...chainEntries(ORG, head, newEntries(3, 5))]).toEqual(all);
  });

  it('refuses a batch that repeats an eventId, and a malformed head', () => {
    const [one] = newEntries(1) as [NewLedgerEntry];
    expect(() => chainEntries(ORG, null, [one, { ...one }])).toThrow('eventId "event-1" repeats in the batch');
    expect(() => chainEntries(ORG, { seq: 0, hash: 'a'.repeat(64) }, [one])).toThrow('head seq');
    expect(() => chainEntries(ORG, { seq: 3, hash: 'xyz' }, [one])).toThrow('head hash');
  });
});

describe('ChainVerifier', () => {
  const chain: readonly ChainedEntry[] = chainEntries(ORG, null, newEntries(10));
  const at = (index: number): ChainedEntry => chain[index] as ChainedEntry;

  it('accepts an intact chain and reports its head', () => {
    expect(verifyChain(ORG, chain)).toEqual({ ok: true, entries: 10, head: { seq: 10, hash: at(9).hash } });
  });

  it('accepts an empty chain', () => {
    expect(verifyChain(ORG, [])).toEqual({ ok: true, entries: 0, head: null });
  });

  it('names the entry whose payload changed by one byte', () => {
    const tampered = chain.map((entry) =>
      entry.seq === 6 ? { ...entry, payload: { ...(entry.payload as object), text: 'cafe 6' } } : entry,
    );
    expect(verifyChain(ORG, tampered)).toEqual({
      ok: false,
      seq: 6,
      reason: `hash mismatch: stored ${at(5).hash}, recomputed ${entryHash(at(4).hash, tampered[5] as ChainedEntry)}`,
      entries: 5,
      head: { seq: 5, hash: at(4).hash },
    });
  });

  it('names the entry whose type, eventId or occurredAt changed', () => {
    for (const change of [{ type: 'x' }, { eventId: 'event-99' }, { occurredAt: '2026-04-18T14:22:03.001Z' }]) {
      const tampered = chain.map((entry) => (entry.seq === 3 ? { ...entry, ...change } : entry));
      const result = verifyChain(ORG, tampered);
      expect(result).toMatchObject({ ok: false, seq: 3 });
      expect(result.ok ? 'ok' : result.reason).toMatch(/^hash mismatch/);
    }
  });

  it('does not care about member order inside the payload (it is canonicalized)', () => {
    const reordered = chain.map((entry) => {
      const payload = entry.payload as { n: number; text: string; results: unknown };
      return { ...entry, payload: { results: payload.results, text: payload.text, n: payload.n } } as ChainedEntry;
    });
    expect(verifyChain(ORG, reordered).ok).toBe(true);
  });

  it('names the position where two swapped entries begin', () => {
    const swapped = [...chain];
    [swapped[4], swapped[5]] = [at(5), at(4)];
    expect(verifyChain(ORG, swapped)).toMatchObject({ ok: false, seq: 5, reason: 'seq gap: expected 5, got 6' });
  });

  it('names a dropped entry', () => {
    const dropped = chain.filter((entry) => entry.seq !== 7);
    expect(verifyChain(ORG, dropped)).toMatchObject({
      ok: false,
      seq: 7,
      reason: 'seq gap: expected 7, got 8',
      entries: 6,
    });
  });

  it('names a duplicated entry', () => {
    const duplicated = [...chain.slice(0, 4), at(3), ...chain.slice(4)];
    expect(verifyChain(ORG, duplicated)).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'seq repeated or out of order: expected 5, got 4',
    });
  });

  it('names the position of swapped entries whose seq numbers were rewritten to fit', () => {
    const swapped = [...chain];
    [swapped[4], swapped[5]] = [
      { ...at(5), seq: 5 },
      { ...at(4), seq: 6 },
    ];
    expect(verifyChain(ORG, swapped)).toMatchObject({
      ok: false,
      seq: 5,
      reason: "prevHash does not match previous entry's hash",
    });
  });

  it('cannot see a truncated tail, but reports the head it reached', () => {
    // A chain cut short is still a valid chain: only a signed checkpoint shows what is missing.
    expect(verifyChain(ORG, chain.slice(0, 9))).toEqual({ ok: true, entries: 9, head: { seq: 9, hash: at(8).hash } });
  });

  it('names an entry whose stored prevHash is wrong even if its hash matches it', () => {
    const forged = { ...at(3), prevHash: at(1).hash };
    const withForgery = chain.map((entry) =>
      entry.seq === 4 ? { ...forged, hash: entryHash(forged.prevHash, forged) } : entry,
    );
    expect(verifyChain(ORG, withForgery)).toMatchObject({
      ok: false,
      seq: 4,
      reason: "prevHash does not match previous entry's hash",
    });
  });

  it("refuses another organization's chain at the genesis", () => {
    expect(verifyChain('org-2', chain)).toMatchObject({
      ok: false,
      seq: 1,
      reason: 'prevHash does not match the genesis hash of organization org-2',
    });
  });

  it('refuses a chain that does not start at seq 1', () => {
    expect(verifyChain(ORG, chain.slice(2))).toMatchObject({ ok: false, seq: 1, reason: 'seq gap: expected 1, got 3' });
  });

  it('names a repeated eventId even in a chain rebuilt around it', () => {
    const entries = newEntries(6);
    entries[4] = { ...(entries[4] as NewLedgerEntry), eventId: 'event-2' };
    // chainEntries refuses repeats within a batch; two batches slip past it, as two appends would.
    const first = chainEntries(ORG, null, entries.slice(0, 4));
    const rest = chainEntries(ORG, { seq: 4, hash: first[3]?.hash ?? '' }, entries.slice(4));
    expect(verifyChain(ORG, [...first, ...rest])).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'duplicate eventId "event-2" (first at seq 2)',
    });
    expect(verifyChain(ORG, [...first, ...rest], { detectDuplicateEventIds: false }).ok).toBe(true);
  });

  it('reports malformed entries as failures, not exceptions', () => {
    const broken = chain.map((entry) => (entry.seq === 2 ? { ...entry, payload: { when: new Date(0) } } : entry));
    expect(verifyChain(ORG, broken as ChainedEntry[])).toMatchObject({
      ok: false,
      seq: 2,
      reason: 'entry cannot be hashed: cannot canonicalize value at $.payload.when: a Date is not a plain object',
    });
    const badSeq = chain.map((entry) => (entry.seq === 2 ? { ...entry, seq: '2' } : entry));
    expect(verifyChain(ORG, badSeq as unknown as ChainedEntry[])).toMatchObject({
      seq: 2,
      reason: 'seq is not an integer: got 2',
    });
  });

  it('verifies a range that starts mid-chain from a trusted previous hash', () => {
    const after = { seq: 4, hash: at(3).hash };
    expect(verifyChain(ORG, chain.slice(4), { after })).toEqual({
      ok: true,
      entries: 6,
      head: { seq: 10, hash: at(9).hash },
    });
    expect(verifyChain(ORG, chain.slice(4), { after: { seq: 4, hash: at(2).hash } })).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'prevHash does not match the trusted previous hash',
      head: { seq: 4, hash: at(2).hash },
    });
    expect(verifyChain(ORG, chain.slice(5), { after })).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'seq gap: expected 5, got 6',
    });
  });

  it('keeps the first failure and ignores what follows', () => {
    const verifier = new ChainVerifier(ORG);
    expect(verifier.feed(at(0))).toBe(true);
    expect(verifier.feed(at(2))).toBe(false);
    expect(verifier.feed(at(1))).toBe(false);
    expect(verifier.failed).toBe(true);
    expect(verifier.result()).toMatchObject({ ok: false, seq: 2, reason: 'seq gap: expected 2, got 3', entries: 1 });
  });
});
