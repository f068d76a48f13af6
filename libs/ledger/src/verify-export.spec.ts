import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExportFormatError, parseExportLines, verifyExport, type ExportLine } from './index';

// The golden export: org-acme and org-café-日本, six entries each, interleaved line by line.
const goldenLines = readFileSync(path.join(__dirname, '../testdata/golden/export.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const [acme, cafe] = ['org-acme', 'org-café-日本'];
const parsed = parseExportLines(goldenLines.join('\n'));
const lineOf = (orgId: string, seq: number): ExportLine =>
  parsed.find((line) => line.orgId === orgId && line.seq === seq) as ExportLine;

describe('verifyExport', () => {
  it('verifies each organization of an interleaved export on its own', async () => {
    expect(await verifyExport(goldenLines)).toEqual([
      {
        orgId: acme,
        ok: true,
        entries: 6,
        firstSeq: 1,
        head: { seq: 6, hash: lineOf(acme, 6).hash },
        anchor: 'genesis',
      },
      {
        orgId: cafe,
        ok: true,
        entries: 6,
        firstSeq: 1,
        head: { seq: 6, hash: lineOf(cafe, 6).hash },
        anchor: 'genesis',
      },
    ]);
  });

  it('names the organization, seq and line of a changed payload byte, and still verifies the others', async () => {
    const tampered = [...goldenLines];
    tampered[6] = goldenLines[6]?.replace('"kind":"paraphrase"', '"kind":"paraphrasE"') ?? ''; // acme seq 4
    expect(tampered[6]).not.toBe(goldenLines[6]);
    const [acmeResult, cafeResult] = await verifyExport(tampered);
    expect(acmeResult).toMatchObject({
      ok: false,
      entries: 3,
      head: { seq: 3, hash: lineOf(acme, 3).hash },
      failure: { seq: 4, line: 7 },
    });
    expect(acmeResult?.failure?.reason).toMatch(/^hash mismatch/);
    expect(cafeResult?.ok).toBe(true);
  });

  it('names an entry out of seq order within its organization', async () => {
    const reordered = [...goldenLines];
    [reordered[2], reordered[4]] = [goldenLines[4] as string, goldenLines[2] as string]; // acme 2 and 3
    expect((await verifyExport(reordered))[0]).toMatchObject({
      ok: false,
      failure: { seq: 2, line: 3, reason: 'seq gap: expected 2, got 3' },
    });
  });

  it('anchors a range that starts mid-chain on its first prevHash and says so', async () => {
    const fromSeq3 = goldenLines.filter((_, index) => (parsed[index]?.seq ?? 0) >= 3);
    expect(await verifyExport(fromSeq3)).toEqual([
      {
        orgId: acme,
        ok: true,
        entries: 4,
        firstSeq: 3,
        head: { seq: 6, hash: lineOf(acme, 6).hash },
        anchor: 'trusted-prev-hash',
        trustedPrevHash: lineOf(acme, 2).hash,
      },
      expect.objectContaining({ orgId: cafe, ok: true, entries: 4, anchor: 'trusted-prev-hash' }),
    ]);
  });

  it('refuses a mid-chain range whose first prevHash is not a hash', async () => {
    const first = goldenLines[4] as string; // acme seq 3
    const broken = first.replace(lineOf(acme, 3).prevHash, 'not-a-hash');
    const [result] = await verifyExport([broken]);
    expect(result).toMatchObject({ ok: false, anchor: 'trusted-prev-hash', failure: { seq: 3, line: 1 } });
    expect(result?.failure?.reason).toContain('not a SHA-256 hex digest');
  });

  it('throws on a line that is not an entry, naming it', async () => {
    await expect(verifyExport([...goldenLines.slice(0, 3), '{"orgId":"org-acme"'])).rejects.toThrow(ExportFormatError);
    await expect(verifyExport([...goldenLines.slice(0, 3), '{"orgId":"org-acme"'])).rejects.toThrow(/^line 4: /);
  });

  it('returns nothing for an empty export', async () => {
    expect(await verifyExport(['', ''])).toEqual([]);
  });
});
