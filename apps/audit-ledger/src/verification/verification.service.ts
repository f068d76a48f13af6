import { Inject, Injectable } from '@nestjs/common';
import { formatExportLine, type ChainHead, type VerifyResult } from '@cairn/ledger';
import { ApiError, SERVICE_CONFIG } from '@cairn/service-kit';
import type { LedgerConfig } from '../config';
import {
  chooseSample,
  exportLineOf,
  RecanonicalizingVerifier,
  sampledEntryProblem,
  StoredHashVerifier,
  type VerifyMode,
} from '../domain/chain-verification';
import type { SeqRange, VerifyQuery } from '../domain/query-params';
import { LedgerRepository } from '../ledger/ledger.repository';

export type VerificationReport =
  | {
      ok: true;
      mode: VerifyMode;
      entries: number;
      /** The last entry verified; null when the range holds none. */
      head: ChainHead | null;
      from: number;
      /** `genesis`, or the stored hash of entry `from - 1`, taken on trust, for a range starting later. */
      anchor: 'genesis' | ChainHead;
      /** `stored` mode: entries whose text was also re-canonicalized. */
      canonicalFormChecked?: number;
    }
  | { ok: false; mode: VerifyMode; seq: number; reason: string; entries: number };

/** Chain verification and NDJSON export over `ledger.entries`, streamed page by page. */
@Injectable()
export class VerificationService {
  private readonly sampleSize: number;

  constructor(
    private readonly ledger: LedgerRepository,
    @Inject(SERVICE_CONFIG) config: LedgerConfig,
  ) {
    this.sampleSize = config.VERIFY_SAMPLE_SIZE;
  }

  async verify(orgId: string, { from, to, mode }: VerifyQuery): Promise<VerificationReport> {
    // The head is read first: every entry up to it was committed with it, so any that is missing later
    // was removed, not still being written.
    const recorded = await this.ledger.head(orgId);
    const last = this.lastSeq(recorded, from, to);
    let after: ChainHead | undefined;
    if (from > 1) {
      const anchorHash = await this.ledger.entryHash(orgId, from - 1);
      if (anchorHash === undefined) return { ok: false, mode, seq: from - 1, reason: 'entry missing', entries: 0 };
      after = { seq: from - 1, hash: anchorHash };
    }

    let result: VerifyResult;
    let canonicalFormChecked: number | undefined;
    if (mode === 'full') {
      const verifier = new RecanonicalizingVerifier(orgId, after);
      walk: for await (const page of this.ledger.rows(orgId, from, last)) {
        for (const row of page) if (!verifier.feed(row)) break walk;
      }
      result = verifier.result();
    } else {
      ({ result, checked: canonicalFormChecked } = await this.verifyStored(orgId, from, last, after));
    }

    if (!result.ok) return { ok: false, mode, seq: result.seq, reason: result.reason, entries: result.entries };
    const reached = result.head?.seq ?? from - 1;
    if (reached < last) {
      const reason = `entry missing: the chain head records seq ${recorded?.seq ?? 0}`;
      return { ok: false, mode, seq: reached + 1, reason, entries: result.entries };
    }
    if (recorded !== null && last === recorded.seq && result.head?.hash !== recorded.hash) {
      const reason = `hash does not match the recorded chain head ${recorded.hash}`;
      return { ok: false, mode, seq: last, reason, entries: result.entries };
    }
    return {
      ok: true,
      mode,
      entries: result.entries,
      head: result.head,
      from,
      anchor: after ?? 'genesis',
      ...(canonicalFormChecked === undefined ? {} : { canonicalFormChecked }),
    };
  }

  /**
   * The hash walk over Postgres-recomputed hashes, and the sample, checked meanwhile (the walk mostly
   * waits for Postgres). The first failure in seq order wins: a sampled entry counts only below a
   * failure the walk found.
   */
  private async verifyStored(
    orgId: string,
    from: number,
    last: number,
    after: ChainHead | undefined,
  ): Promise<{ result: VerifyResult; checked: number }> {
    const sampled = this.checkSample(orgId, chooseSample(from, last, this.sampleSize, Math.random));
    const walker = new StoredHashVerifier(orgId, after);
    try {
      walk: for await (const page of this.ledger.hashedRows(orgId, from, last)) {
        for (const row of page) if (!walker.feed(row)) break walk;
      }
    } finally {
      await sampled.catch(() => undefined); // settled before the connection pool is needed again
    }
    const walked = walker.result();
    const { problems, checked } = await sampled;
    const first = problems.find(({ seq }) => walked.ok || seq < walked.seq);
    if (first === undefined) return { result: walked, checked };
    return { result: { ok: false, ...first, entries: first.seq - from, head: null }, checked };
  }

  /** The sampled entries' problems, in seq order. */
  private async checkSample(
    orgId: string,
    seqs: number[],
  ): Promise<{ problems: { seq: number; reason: string }[]; checked: number }> {
    const rows = seqs.length === 0 ? [] : await this.ledger.rowsAt(orgId, seqs);
    const problems = rows.flatMap((row) => {
      const reason = sampledEntryProblem(row);
      return reason === undefined ? [] : [{ seq: row.seq, reason }];
    });
    return { problems, checked: rows.length };
  }

  /** The NDJSON export of a range, a page of lines at a time, every member taken from the hashed text. */
  async *exportLines(orgId: string, { from, to }: SeqRange): AsyncGenerator<string> {
    const last = this.lastSeq(await this.ledger.head(orgId), from, to);
    for await (const page of this.ledger.rows(orgId, from, last)) {
      let chunk = '';
      for (const row of page) chunk += formatExportLine(exportLineOf(orgId, row)) + '\n';
      yield chunk;
    }
  }

  /** The range's last seq, capped at the chain head; a range starting past the head is refused. */
  private lastSeq(head: ChainHead | null, from: number, to: number | undefined): number {
    const headSeq = head?.seq ?? 0;
    if (from > headSeq + 1) {
      throw new ApiError(400, `from is past the end of the chain (${headSeq} entries)`, [
        { field: 'from', message: `must be at most ${headSeq + 1}` },
      ]);
    }
    return Math.min(to ?? headSeq, headSeq);
  }
}
