import {
  canonicalEntry,
  ChainVerifier,
  genesisHash,
  JcsError,
  type ChainHead,
  type ExportLine,
  type LedgerEntry,
  type VerifyResult,
} from '@cairn/ledger';

/** One row of `ledger.entries`, as read for full verification, sampling and export. */
export interface StoredRow {
  seq: number;
  eventId: string;
  type: string;
  occurredAt: string;
  canonical: string;
  prevHash: string;
  hash: string;
}

/** One row as `stored` mode reads it: SHA-256(prevHash ‖ stored text), recomputed where the text is. */
export interface HashedRow {
  seq: number;
  prevHash: string;
  hash: string;
  recomputed: string;
}

/**
 * `full`: every entry is parsed and canonicalized again from its value, as anyone verifying the export
 * does (the library's ChainVerifier). `stored`: SHA-256 is recomputed over the stored canonical texts,
 * and a random sample of them is parsed and re-canonicalized (see the README, "Verification").
 */
export const VERIFY_MODES = ['full', 'stored'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];

const COLUMNS_DISAGREE = "the stored seq, eventId, type or occurredAt column differs from the entry's hashed text";

/** Parses a stored canonical entry; throws with a reason when it is not an entry. */
export function parseStoredEntry(canonical: string): LedgerEntry {
  let value: unknown;
  try {
    value = JSON.parse(canonical);
  } catch {
    throw new Error('the stored entry is not JSON');
  }
  const entry = value as Partial<LedgerEntry> | null;
  if (
    entry === null ||
    typeof entry !== 'object' ||
    typeof entry.seq !== 'number' ||
    typeof entry.eventId !== 'string' ||
    typeof entry.type !== 'string' ||
    typeof entry.occurredAt !== 'string' ||
    !('payload' in entry)
  ) {
    throw new Error('the stored entry lacks one of seq, eventId, type, occurredAt, payload');
  }
  return entry as LedgerEntry;
}

const columnsMatch = (row: StoredRow, entry: LedgerEntry) =>
  entry.seq === row.seq &&
  entry.eventId === row.eventId &&
  entry.type === row.type &&
  entry.occurredAt === row.occurredAt;

/** A failure found before the chain itself is checked (unparseable text, columns that disagree). */
function failed(seq: number, reason: string, before: VerifyResult): VerifyResult {
  return { ok: false, seq, reason, entries: before.entries, head: before.head };
}

/** `full` mode: parses each row and hands it to the library's ChainVerifier, which re-canonicalizes it. */
export class RecanonicalizingVerifier {
  private readonly chain: ChainVerifier;
  private failure: VerifyResult | null = null;

  constructor(orgId: string, after?: ChainHead) {
    // The unique index on (org_id, event_id), with the check that each row's event_id column is its
    // hashed eventId, already refuses repeats; tracking ids in memory would grow with the chain.
    this.chain = new ChainVerifier(orgId, { after, detectDuplicateEventIds: false });
  }

  /** Feeds the next row in seq order; false once the chain has failed. */
  feed(row: StoredRow): boolean {
    if (this.failure !== null || this.chain.failed) return false;
    let entry: LedgerEntry;
    try {
      entry = parseStoredEntry(row.canonical);
    } catch (error) {
      this.failure = failed(row.seq, (error as Error).message, this.chain.result());
      return false;
    }
    if (!columnsMatch(row, entry)) {
      this.failure = failed(row.seq, COLUMNS_DISAGREE, this.chain.result());
      return false;
    }
    return this.chain.feed({ ...entry, prevHash: row.prevHash, hash: row.hash });
  }

  result(): VerifyResult {
    return this.failure ?? this.chain.result();
  }
}

/**
 * `stored` mode's walk: seq continuity, prevHash linkage, and that the stored hash is the one recomputed
 * over the stored text. It proves the stored bytes are exactly the bytes chained; not that they are the
 * canonical form of their value (`sampledEntryProblem` checks that on a sample, `full` mode on all).
 */
export class StoredHashVerifier {
  private lastSeq: number;
  private lastHash: string;
  private verified = 0;
  private failure: VerifyResult | null = null;

  constructor(orgId: string, after?: ChainHead) {
    this.lastSeq = after?.seq ?? 0;
    this.lastHash = after?.hash ?? genesisHash(orgId);
  }

  feed(row: HashedRow): boolean {
    if (this.failure !== null) return false;
    const expected = this.lastSeq + 1;
    if (row.seq !== expected) {
      const kind = row.seq > expected ? 'seq gap' : 'seq repeated or out of order';
      return this.fail(expected, `${kind}: expected ${expected}, got ${row.seq}`);
    }
    if (row.prevHash !== this.lastHash) return this.fail(expected, "prevHash does not match previous entry's hash");
    if (row.recomputed !== row.hash) {
      return this.fail(expected, `hash mismatch: stored ${row.hash}, recomputed ${row.recomputed}`);
    }
    this.lastSeq = expected;
    this.lastHash = row.hash;
    this.verified += 1;
    return true;
  }

  result(): VerifyResult {
    return this.failure ?? { ok: true, entries: this.verified, head: this.head() };
  }

  private head(): ChainHead | null {
    return this.lastSeq === 0 ? null : { seq: this.lastSeq, hash: this.lastHash };
  }

  private fail(seq: number, reason: string): false {
    this.failure = { ok: false, seq, reason, entries: this.verified, head: this.head() };
    return false;
  }
}

/**
 * Why a stored row is not what the chain needs, or undefined: its text must parse, be the RFC 8785
 * form of its value byte for byte, and carry the row's seq, eventId, type and occurredAt columns.
 */
export function sampledEntryProblem(row: StoredRow): string | undefined {
  let entry: LedgerEntry;
  let recanonicalized: string;
  try {
    entry = parseStoredEntry(row.canonical);
    recanonicalized = canonicalEntry(entry);
  } catch (error) {
    return error instanceof JcsError ? `entry cannot be hashed: ${error.message}` : (error as Error).message;
  }
  if (recanonicalized !== row.canonical) return 'the stored text is not the canonical (RFC 8785) form of its value';
  return columnsMatch(row, entry) ? undefined : COLUMNS_DISAGREE;
}

/** Up to `size` distinct seqs drawn uniformly from [from, to], ascending. */
export function chooseSample(from: number, to: number, size: number, random: () => number): number[] {
  const count = to - from + 1;
  if (count <= 0 || size <= 0) return [];
  if (size >= count) return Array.from({ length: count }, (_, i) => from + i);
  const chosen = new Set<number>();
  while (chosen.size < size) chosen.add(from + Math.floor(random() * count));
  return [...chosen].sort((a, b) => a - b);
}

/** The export line of a stored row: every member taken from the hashed text, not from the columns. */
export function exportLineOf(orgId: string, row: StoredRow): ExportLine {
  const { seq, eventId, type, occurredAt, payload } = parseStoredEntry(row.canonical);
  return { orgId, seq, eventId, type, occurredAt, payload, prevHash: row.prevHash, hash: row.hash };
}
