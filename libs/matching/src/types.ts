/** A retrieved vector as the matcher sees it. */
export interface VectorInput {
  readonly id: string;
  readonly content: string;
}

/** `verbatim`: the output repeats a run of the vector's text; `ngram`: the output paraphrases it. */
export type CitationTier = 'verbatim' | 'ngram';

/**
 * A range of the output text exactly as given to the matcher: UTF-16 code-unit offsets (what
 * `String.prototype.slice` takes), `start` inclusive, `end` exclusive.
 */
export interface CitationSpan {
  readonly start: number;
  readonly end: number;
}

export interface Citation {
  readonly vectorId: string;
  readonly tier: CitationTier;
  /**
   * Strength of the citation, on the tier's own scale. `verbatim`: the share of the vector's
   * tokens that the output repeats verbatim, in (0, 1]. `ngram`: the evidence of the best output
   * window, in nats (at least `ngramMinEvidence`).
   */
  readonly score: number;
  /** Output ranges the vector's content covers, sorted, non-overlapping, non-adjacent. */
  readonly spans: readonly CitationSpan[];
}
