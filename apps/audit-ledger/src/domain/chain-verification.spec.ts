import { formatExportLine, verifyExport } from '@cairn/ledger';
import { goldenCandidates } from '../../test/golden/golden-fixture';
import { appendEntries, chainHash } from './chain-append';
import {
  chooseSample,
  exportLineOf,
  RecanonicalizingVerifier,
  sampledEntryProblem,
  StoredHashVerifier,
  type HashedRow,
  type StoredRow,
} from './chain-verification';

const ORG = 'org-verify';
const chainRows = (): StoredRow[] =>
  appendEntries(ORG, null, goldenCandidates()).appended.map(({ entry }) => ({ ...entry }));

/** What `stored` mode reads: the hash Postgres recomputes over the stored text (here, in Node). */
const hashed = (rows: StoredRow[]): HashedRow[] =>
  rows.map(({ seq, prevHash, hash, canonical }) => ({
    seq,
    prevHash,
    hash,
    recomputed: chainHash(prevHash, canonical),
  }));

interface Walker<TRow> {
  feed(row: TRow): boolean;
  result(): ReturnType<RecanonicalizingVerifier['result']>;
}

function run<TRow>(verifier: Walker<TRow>, rows: TRow[]) {
  for (const row of rows) if (!verifier.feed(row)) break;
  return verifier.result();
}

/** Both walks over the same stored rows. */
const walks: [string, (rows: StoredRow[], after?: { seq: number; hash: string }) => ReturnType<typeof run>][] = [
  ['full', (rows, after) => run(new RecanonicalizingVerifier(ORG, after), rows)],
  ['stored', (rows, after) => run(new StoredHashVerifier(ORG, after), hashed(rows))],
];

/** Rewrites one row's text and hash (as an attacker with write access would) without touching later rows. */
function rehashed(rows: StoredRow[], index: number, canonical: string): StoredRow[] {
  const copy = rows.map((row) => ({ ...row }));
  copy[index] = { ...copy[index]!, canonical, hash: chainHash(copy[index]!.prevHash, canonical) };
  return copy;
}

describe.each(walks)('%s verification of stored rows', (_mode, walk) => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chainRows();
    expect(walk(rows)).toEqual({ ok: true, entries: 7, head: { seq: 7, hash: rows[6]!.hash } });
  });

  it('finds an altered payload at exactly its seq', () => {
    const rows = chainRows();
    rows[3] = { ...rows[3]!, canonical: rows[3]!.canonical.replace('vec-9', 'vec-8') };
    const result = walk(rows);
    expect(result).toMatchObject({ ok: false, seq: 4, entries: 3, head: { seq: 3, hash: rows[2]!.hash } });
    expect(!result.ok && result.reason).toMatch(/^hash mismatch: stored [0-9a-f]{64}, recomputed [0-9a-f]{64}$/);
  });

  it('finds an entry rewritten with a fresh hash at the next seq, whose prevHash no longer links', () => {
    const rows = rehashed(chainRows(), 3, chainRows()[3]!.canonical.replace('vec-9', 'vec-8'));
    expect(walk(rows)).toMatchObject({ ok: false, seq: 5, reason: "prevHash does not match previous entry's hash" });
  });

  it('finds a removed entry as a gap', () => {
    const rows = chainRows();
    rows.splice(2, 1);
    expect(walk(rows)).toMatchObject({ ok: false, seq: 3, reason: 'seq gap: expected 3, got 4' });
  });

  it('finds two rows whose seq columns were swapped', () => {
    const rows = chainRows();
    [rows[2], rows[3]] = [
      { ...rows[3]!, seq: 3 },
      { ...rows[2]!, seq: 4 },
    ];
    expect(walk(rows)).toMatchObject({ ok: false, seq: 3 });
  });

  it('verifies a range from a trusted earlier entry', () => {
    const rows = chainRows();
    expect(walk(rows.slice(2), { seq: 2, hash: rows[1]!.hash })).toEqual({
      ok: true,
      entries: 5,
      head: { seq: 7, hash: rows[6]!.hash },
    });
  });
});

describe('full verification', () => {
  it('finds a column that disagrees with the hashed text', () => {
    const rows = chainRows();
    rows[1] = { ...rows[1]!, eventId: 'someone-else' };
    expect(run(new RecanonicalizingVerifier(ORG), rows)).toMatchObject({
      ok: false,
      seq: 2,
      reason: "the stored seq, eventId, type or occurredAt column differs from the entry's hashed text",
    });
  });
});

describe('what the stored-text walk proves, and what the sample adds', () => {
  // A writer bug, not tampering: a text that is not RFC 8785, hashed as stored. Its hashes link.
  const nonCanonical = () => {
    const rows = chainRows();
    return rehashed(rows, 0, rows[0]!.canonical.replace('"payload":{"name":', '"payload":{ "name":')).slice(0, 1);
  };

  it('the hash walk accepts it: it proves the stored bytes are the ones chained, not that they are canonical', () => {
    expect(run(new StoredHashVerifier(ORG), hashed(nonCanonical()))).toMatchObject({ ok: true, entries: 1 });
  });

  it('re-canonicalizing (full mode, or an external verifier of the export) rejects it', () => {
    expect(run(new RecanonicalizingVerifier(ORG), nonCanonical())).toMatchObject({
      ok: false,
      seq: 1,
      reason: expect.stringMatching(/^hash mismatch/) as string,
    });
  });

  it('the sampled check rejects it, and a column that disagrees with the text', () => {
    expect(sampledEntryProblem(nonCanonical()[0]!)).toBe(
      'the stored text is not the canonical (RFC 8785) form of its value',
    );
    const [first] = chainRows();
    expect(sampledEntryProblem(first!)).toBeUndefined();
    expect(sampledEntryProblem({ ...first!, type: 'other.v1' })).toBe(
      "the stored seq, eventId, type or occurredAt column differs from the entry's hashed text",
    );
    expect(sampledEntryProblem({ ...first!, canonical: '{"seq":1' })).toBe('the stored entry is not JSON');
    expect(sampledEntryProblem({ ...first!, canonical: '{"seq":1}' })).toBe(
      'the stored entry lacks one of seq, eventId, type, occurredAt, payload',
    );
  });
});

describe('chooseSample', () => {
  it('takes every seq of a range smaller than the sample', () => {
    expect(chooseSample(3, 6, 10, Math.random)).toEqual([3, 4, 5, 6]);
    expect(chooseSample(3, 2, 10, Math.random)).toEqual([]);
  });

  it('draws distinct seqs within the range, ascending', () => {
    const draws = [0.9, 0.1, 0.1, 0.5];
    expect(chooseSample(101, 200, 3, () => draws.shift()!)).toEqual([111, 151, 191]);
  });
});

describe('exportLineOf', () => {
  it('writes lines the offline verifier accepts', async () => {
    const lines = chainRows().map((row) => formatExportLine(exportLineOf(ORG, row)));
    const [summary] = await verifyExport(lines);
    expect(summary).toMatchObject({ orgId: ORG, ok: true, entries: 7, anchor: 'genesis' });
  });
});
