import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  canonicalEntry,
  chainEntries,
  entryHash,
  formatExportLine,
  genesisHash,
  parseExportLines,
  verifyChain,
  type ChainedEntry,
  type LedgerEntry,
} from './index';

// Vectors computed by testdata/golden/generate.py, an independent Python (stdlib) implementation of
// the formula and of RFC 8785. Agreement here is what lets anyone verify an export with their own code.
interface GoldenEntry {
  entry: LedgerEntry;
  canonical: string;
  prevHash: string;
  hash: string;
}
interface Golden {
  organizations: { orgId: string; genesisHash: string; entries: GoldenEntry[] }[];
  exportLines: string[];
}

const golden = JSON.parse(readFileSync(path.join(__dirname, '../testdata/golden/chain.json'), 'utf8')) as Golden;

describe('golden vectors from the independent Python implementation', () => {
  it('covers two organizations of six entries', () => {
    expect(golden.organizations.map((org) => org.entries.length)).toEqual([6, 6]);
    expect(golden.exportLines).toHaveLength(12);
  });

  describe.each(golden.organizations.map((org) => [org.orgId, org] as const))('%s', (orgId, org) => {
    it('has the same genesis hash', () => {
      expect(genesisHash(orgId)).toBe(org.genesisHash);
    });

    it('has the same canonical JSON, prevHash and hash for every entry', () => {
      let prevHash = org.genesisHash;
      for (const golden of org.entries) {
        expect(golden.prevHash).toBe(prevHash);
        expect(canonicalEntry(golden.entry)).toBe(golden.canonical);
        expect(entryHash(prevHash, golden.entry)).toBe(golden.hash);
        prevHash = golden.hash;
      }
    });

    it('is rebuilt hash for hash by chainEntries and accepted by the verifier', () => {
      const chained = chainEntries(
        orgId,
        null,
        org.entries.map(({ entry: { eventId, type, occurredAt, payload } }) => ({
          eventId,
          type,
          occurredAt,
          payload,
        })),
      );
      expect(chained.map((entry) => entry.hash)).toEqual(org.entries.map((entry) => entry.hash));
      const stored: ChainedEntry[] = org.entries.map(({ entry, prevHash, hash }) => ({ ...entry, prevHash, hash }));
      expect(verifyChain(orgId, stored)).toEqual({
        ok: true,
        entries: 6,
        head: { seq: 6, hash: org.entries[5]?.hash },
      });
    });
  });

  it('formats the same NDJSON export lines, byte for byte', () => {
    const parsed = parseExportLines(golden.exportLines.join('\n'));
    expect(parsed.map(formatExportLine)).toEqual(golden.exportLines);
  });

  it('ships the same lines in export.ndjson for the CLI', () => {
    const file = readFileSync(path.join(__dirname, '../testdata/golden/export.ndjson'), 'utf8');
    expect(file).toBe(golden.exportLines.map((line) => `${line}\n`).join(''));
  });
});
