import type { NgramOptions } from './ngram';
import type { VerbatimOptions } from './verbatim';
import type { Vocabulary } from './vocabulary';

/**
 * Matcher thresholds. Defaults were chosen on the Clough & Stevenson short-answer corpus
 * (libs/matching/testdata); README.md gives the measured table and the margins behind each value.
 */
export interface MatcherConfig {
  /** Tier 1: a common run of normalized tokens must be at least this long. */
  readonly verbatimMinTokens: number;
  /** Tier 1: …and contain at least this many content tokens (not stop words, not single letters/digits). */
  readonly verbatimMinContentTokens: number;
  /** Tier 2: n of the word n-grams, built from content-word stems in text order. */
  readonly ngramSize: number;
  /** Tier 2: consecutive words of an n-gram may be up to this many content words apart (1 = adjacent). */
  readonly ngramSpan: number;
  /** Tier 2: shared n-grams this likely to occur by chance (evidence below this, in nats) are ignored. */
  readonly ngramMinNats: number;
  /**
   * Tier 2: chance co-occurrence in a vector is reckoned as if it were at most this many content
   * words long, because in a long chunk the words of one section cluster together.
   */
  readonly ngramPassageTokens: number;
  /**
   * Tier 2: evidence is summed over windows of this many output content words (chance in the
   * output is reckoned over the same window around each seed).
   */
  readonly ngramWindowTokens: number;
  /** Tier 2: cite when some window's evidence, in nats, reaches this cut-off. */
  readonly ngramMinEvidence: number;
  /** Tier 2: compare Porter stems rather than surface words. */
  readonly stemming: boolean;
}

export const DEFAULT_MATCHER_CONFIG: MatcherConfig = Object.freeze({
  verbatimMinTokens: 8,
  verbatimMinContentTokens: 4,
  ngramSize: 2,
  ngramSpan: 3,
  ngramMinNats: 1,
  ngramPassageTokens: 300,
  ngramWindowTokens: 100,
  ngramMinEvidence: 33,
  stemming: true,
});

/**
 * Identifies the algorithm and its defaults. Downstream event ids are derived from it, so bump it
 * whenever a default or the algorithm changes (a changed result must not look like a repeat).
 */
export const MATCHER_VERSION = 'cairn-matcher/1.0.0';

const INTEGER_RANGES: ReadonlyArray<readonly [keyof MatcherConfig, number, number]> = [
  ['verbatimMinTokens', 1, 1000],
  ['verbatimMinContentTokens', 0, 1000],
  ['ngramSize', 2, 4],
  ['ngramSpan', 1, 8],
  ['ngramPassageTokens', 10, 1_000_000],
  ['ngramWindowTokens', 1, 1_000_000],
];

const NUMBER_RANGES: ReadonlyArray<readonly [keyof MatcherConfig, number, number]> = [
  ['ngramMinNats', 0, 100],
  ['ngramMinEvidence', 0, 1_000_000],
];

/** The n-gram tier's settings. */
export function ngramOptions(config: MatcherConfig): NgramOptions {
  return {
    size: config.ngramSize,
    span: config.ngramSpan,
    minNats: config.ngramMinNats,
    windowTokens: config.ngramWindowTokens,
    minEvidence: config.ngramMinEvidence,
    passageTokens: config.ngramPassageTokens,
  };
}

/** The verbatim tier's settings. */
export function verbatimOptions(config: MatcherConfig): VerbatimOptions {
  return { minTokens: config.verbatimMinTokens, minContentTokens: config.verbatimMinContentTokens };
}

/** Upper bound of the term ids the n-gram tier sees: stem ids, or word ids without stemming. */
export function termSpace(vocabulary: Vocabulary, stemming: boolean): number {
  return stemming ? vocabulary.stemCount : vocabulary.size;
}

/** Merges overrides onto the defaults and rejects values the algorithm cannot honour. */
export function resolveMatcherConfig(overrides: Partial<MatcherConfig> = {}): MatcherConfig {
  const config: MatcherConfig = { ...DEFAULT_MATCHER_CONFIG, ...stripUndefined(overrides) };
  for (const [key, min, max] of INTEGER_RANGES) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`MatcherConfig.${key} must be an integer in [${min}, ${max}], got ${String(value)}`);
    }
  }
  for (const [key, min, max] of NUMBER_RANGES) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(`MatcherConfig.${key} must be a number in [${min}, ${max}], got ${String(value)}`);
    }
  }
  if (typeof config.stemming !== 'boolean') {
    throw new TypeError(`MatcherConfig.stemming must be a boolean, got ${String(config.stemming)}`);
  }
  return config;
}

function stripUndefined(overrides: Partial<MatcherConfig>): Partial<MatcherConfig> {
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}
