import { ngramOptions, resolveMatcherConfig, termSpace, verbatimOptions, type MatcherConfig } from './config';
import { round } from './match';
import { NgramIndex } from './ngram';
import { TokenizedText } from './tokenize';
import { VerbatimIndex } from './verbatim';
import { Vocabulary } from './vocabulary';

/** Both tiers' raw statistics for one (output, vector) pair, whatever the cut-offs. */
export interface MatchEvidence {
  /** Largest `verbatimMinTokens` at which tier 1 fires: the longest shared run, in tokens (0 if none of 2+). */
  readonly longestRun: number;
  /** Tier 2 evidence of the best window, in nats, computed even when tier 1 fires. */
  readonly evidence: number;
}

/**
 * For evaluation (libs/matching/eval), not for the service: how far each tier is from its
 * cut-off. Uses its own working memory, so it never disturbs `matchCitations`.
 */
export function measureEvidence(output: string, content: string, config: Partial<MatcherConfig> = {}): MatchEvidence {
  const settings = resolveMatcherConfig(config);
  const vocabulary = new Vocabulary();
  const outputTokens = new TokenizedText().tokenize(output, vocabulary, settings.stemming);
  const vectorTokens = new TokenizedText().tokenize(content, vocabulary, settings.stemming);
  const match = new NgramIndex()
    .build(outputTokens, termSpace(vocabulary, settings.stemming), { ...ngramOptions(settings), minEvidence: 0 })
    .score(vectorTokens, termSpace(vocabulary, settings.stemming));
  return {
    longestRun: longestRun(outputTokens, vectorTokens, vocabulary, settings),
    evidence: match ? round(match.evidence) : 0,
  };
}

/** Tier 1's statistic alone: the largest `verbatimMinTokens` at which it fires (0 if none from 2 up). */
export function longestSharedRun(output: string, content: string, config: Partial<MatcherConfig> = {}): number {
  const settings = resolveMatcherConfig(config);
  const vocabulary = new Vocabulary();
  const outputTokens = new TokenizedText().tokenize(output, vocabulary, settings.stemming);
  const vectorTokens = new TokenizedText().tokenize(content, vocabulary, settings.stemming);
  return longestRun(outputTokens, vectorTokens, vocabulary, settings);
}

function longestRun(
  output: TokenizedText,
  vector: TokenizedText,
  vocabulary: Vocabulary,
  settings: MatcherConfig,
): number {
  const index = new VerbatimIndex();
  const fires = (minTokens: number): boolean =>
    index.index(output, vocabulary, { ...verbatimOptions(settings), minTokens }).match(vector) !== undefined;
  // Firing is monotone in minTokens (a run of n tokens holds runs of every shorter length): bisect.
  let low = 1;
  let high = Math.min(output.count, vector.count);
  while (low < high) {
    const minTokens = Math.ceil((low + high) / 2);
    if (fires(minTokens)) low = minTokens;
    else high = minTokens - 1;
  }
  return low >= 2 ? low : 0;
}
