import { hash } from 'node:crypto';
import {
  canonicalEntryParts,
  genesisHash,
  InvalidEntryError,
  JcsError,
  withSeq,
  type CanonicalParts,
  type ChainHead,
  type NewLedgerEntry,
} from '@cairn/ledger';

/** An entry as the ledger stores it: the canonical text is exactly what was hashed. */
export interface StoredEntry {
  seq: number;
  eventId: string;
  type: string;
  occurredAt: string;
  /** RFC 8785 JSON of `{seq, eventId, type, occurredAt, payload}`. */
  canonical: string;
  prevHash: string;
  hash: string;
}

export interface AppendCandidate<TSource> {
  entry: NewLedgerEntry;
  /** Whatever the caller needs back for this entry (the consumed event). */
  source: TSource;
}

export interface AppendResult<TSource> {
  appended: { entry: StoredEntry; source: TSource }[];
  /** Candidates that can never be hashed or stored, with why; they take no seq. */
  refused: { source: TSource; reason: string }[];
  head: ChainHead | null;
}

/** `hash_n = hex(SHA-256(UTF-8(prevHash_n) ‖ UTF-8(JCS(entry_n))))`, given JCS(entry_n) as text. */
export function chainHash(prevHash: string, canonical: string): string {
  return hash('sha256', prevHash + canonical, 'hex');
}

/** The hash an empty chain's first entry links to. */
export function chainStart(orgId: string, head: ChainHead | null): ChainHead {
  return head ?? { seq: 0, hash: genesisHash(orgId) };
}

/**
 * Drops candidates whose event id the chain already holds or that repeat an earlier candidate:
 * redeliveries, which are appended once and otherwise ignored.
 */
export function withoutRepeats<TSource>(
  candidates: readonly AppendCandidate<TSource>[],
  presentEventIds: ReadonlySet<string>,
): AppendCandidate<TSource>[] {
  const seen = new Set(presentEventIds);
  return candidates.filter(({ entry }) => {
    if (seen.has(entry.eventId)) return false;
    seen.add(entry.eventId);
    return true;
  });
}

/** A candidate whose canonical text is ready but for its seq. */
export interface PreparedCandidate<TSource> {
  entry: NewLedgerEntry;
  parts: CanonicalParts;
  source: TSource;
}

export interface PreparedCandidates<TSource> {
  prepared: PreparedCandidate<TSource>[];
  /** Candidates that can never be hashed or stored, with why; they take no seq. */
  refused: AppendResult<TSource>['refused'];
}

/**
 * Canonicalizes candidates before the chain's head is known (outside its lock: this is the costly part).
 * A candidate that cannot be canonicalized (a lone surrogate, a number JSON.parse turned into Infinity,
 * nesting past the JCS limit) or stored (U+0000 in its event id, which a Postgres text column cannot
 * hold) is refused.
 */
export function prepareCandidates<TSource>(
  candidates: readonly AppendCandidate<TSource>[],
): PreparedCandidates<TSource> {
  const prepared: PreparedCandidate<TSource>[] = [];
  const refused: AppendResult<TSource>['refused'] = [];
  for (const { entry, source } of candidates) {
    try {
      if (entry.eventId.includes('\u0000')) throw new InvalidEntryError('eventId contains U+0000');
      prepared.push({ entry, parts: canonicalEntryParts(entry), source });
    } catch (error) {
      if (!(error instanceof JcsError || error instanceof InvalidEntryError)) throw error;
      refused.push({ source, reason: `cannot be recorded in the audit ledger: ${error.message}` });
    }
  }
  return { prepared, refused };
}

/** Chains prepared candidates after `head` (null: the chain is empty) in order: seqs, texts, hashes. */
export function chainPrepared<TSource>(
  orgId: string,
  head: ChainHead | null,
  prepared: readonly PreparedCandidate<TSource>[],
): Pick<AppendResult<TSource>, 'appended' | 'head'> {
  let last = chainStart(orgId, head);
  const appended: AppendResult<TSource>['appended'] = [];
  for (const { entry, parts, source } of prepared) {
    const seq = last.seq + 1;
    const canonical = withSeq(parts, seq);
    const stored: StoredEntry = {
      seq,
      eventId: entry.eventId,
      type: entry.type,
      occurredAt: entry.occurredAt,
      canonical,
      prevHash: last.hash,
      hash: chainHash(last.hash, canonical),
    };
    appended.push({ entry: stored, source });
    last = { seq, hash: stored.hash };
  }
  return { appended, head: last.seq === 0 ? null : last };
}

/**
 * Chains candidates after `head` (null: the chain is empty) in order; refused candidates (see
 * `prepareCandidates`) take no seq, so the chain stays gapless.
 */
export function appendEntries<TSource>(
  orgId: string,
  head: ChainHead | null,
  candidates: readonly AppendCandidate<TSource>[],
): AppendResult<TSource> {
  const { prepared, refused } = prepareCandidates(candidates);
  return { ...chainPrepared(orgId, head, prepared), refused };
}
