import { ChainVerifier, isSha256Hex, type ChainHead, type ExportLine } from './chain';
import { parseExportLineOrBlank } from './export';

/** What the offline verifier says about one organization's chain in an export. */
export interface OrgVerification {
  orgId: string;
  ok: boolean;
  /** Entries that verified (all of this organization's when ok). */
  entries: number;
  /** The first seq of this organization in the export. */
  firstSeq: number;
  /** The last entry that verified; null if none did. */
  head: ChainHead | null;
  /**
   * `genesis`: the range starts at seq 1 and is anchored to the organization's genesis hash.
   * `trusted-prev-hash`: it starts later, so its first prevHash is taken on trust. The export then
   * proves the range is consistent in itself, not that it extends any particular earlier state:
   * compare `trustedPrevHash` with a hash you hold (a checkpoint, an earlier export's last hash).
   */
  anchor: 'genesis' | 'trusted-prev-hash';
  trustedPrevHash?: string;
  failure?: { seq: number; line: number; reason: string };
}

interface OrgState {
  readonly first: ExportLine;
  /** Null when the range cannot even be anchored (its first prevHash is not a hash). */
  readonly verifier: ChainVerifier | null;
  failureLine: number;
}

/**
 * Verifies an export that may hold several organizations, interleaved: each organization's entries
 * form their own chain and must come in seq order. A range may start at seq > 1 (see `anchor`).
 * Throws `ExportFormatError` for a line that is not an entry at all. Results are in the order of
 * each organization's first line.
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>): Promise<OrgVerification[]> {
  const orgs = new Map<string, OrgState>();
  let lineNumber = 0;
  for await (const rawLine of lines) {
    lineNumber += 1;
    const line = parseExportLineOrBlank(rawLine, lineNumber);
    if (line === null) continue;
    let org = orgs.get(line.orgId);
    if (org === undefined) {
      org = { first: line, verifier: anchoredVerifier(line), failureLine: lineNumber };
      orgs.set(line.orgId, org);
    }
    if (org.verifier !== null && !org.verifier.failed && !org.verifier.feed(line)) org.failureLine = lineNumber;
  }
  return [...orgs.values()].map(summarize);
}

function anchoredVerifier(first: ExportLine): ChainVerifier | null {
  if (first.seq === 1) return new ChainVerifier(first.orgId);
  if (!isSha256Hex(first.prevHash)) return null;
  return new ChainVerifier(first.orgId, { after: { seq: first.seq - 1, hash: first.prevHash } });
}

function summarize({ first, verifier, failureLine }: OrgState): OrgVerification {
  const summary: OrgVerification = {
    orgId: first.orgId,
    ok: true,
    entries: 0,
    firstSeq: first.seq,
    head: null,
    anchor: first.seq === 1 ? 'genesis' : 'trusted-prev-hash',
  };
  if (first.seq !== 1) summary.trustedPrevHash = first.prevHash;
  if (verifier === null) {
    const reason = 'the range starts mid-chain and its first prevHash is not a SHA-256 hex digest';
    return { ...summary, ok: false, failure: { seq: first.seq, line: failureLine, reason } };
  }
  const result = verifier.result();
  summary.entries = result.entries;
  summary.head = result.head;
  if (result.ok) return summary;
  return { ...summary, ok: false, failure: { seq: result.seq, line: failureLine, reason: result.reason } };
}
