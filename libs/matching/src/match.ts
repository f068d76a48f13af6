import { ngramOptions, resolveMatcherConfig, termSpace, verbatimOptions, type MatcherConfig } from './config';
import { NgramIndex } from './ngram';
import { mergeSpans } from './spans';
import { TokenizedText, type TokenSequence } from './tokenize';
import type { Citation, CitationSpan, VectorInput } from './types';
import { VectorCache, VectorTokens, sampleKey } from './vector-cache';
import { VerbatimIndex } from './verbatim';
import { Vocabulary } from './vocabulary';

// Working memory reused across calls (matching is synchronous, so calls never interleave).
const vocabulary = new Vocabulary();
const outputTokens = new TokenizedText();
const vectorText = new TokenizedText();
const vectorCache = new VectorCache();
const verbatimIndex = new VerbatimIndex();
const ngramIndex = new NgramIndex();

/**
 * Bounds the memory of the cache of tokenized vectors, in estimated bytes (default
 * DEFAULT_VECTOR_CACHE_BYTES, 32 MiB; 0 turns it off). Results are the same at any bound.
 */
export function setVectorCacheBytes(maxBytes: number): void {
  vectorCache.resize(maxBytes);
}

export interface VectorCacheStats {
  readonly entries: number;
  /** Estimated bytes held, and the bound. */
  readonly bytes: number;
  readonly maxBytes: number;
  /** Vector lookups since the process started that found their text, and those that did not. */
  readonly hits: number;
  readonly misses: number;
}

/** How the cache of tokenized vectors is doing (for metrics and the benchmark). */
export function vectorCacheStats(): VectorCacheStats {
  const { size, bytes, limit, hits, misses } = vectorCache;
  return { entries: size, bytes, maxBytes: limit, hits, misses };
}

/**
 * Decides which vectors the output used. Returns at most one citation per vector id, in the
 * order the vectors were given (a repeated id is matched at its first occurrence only).
 *
 * Tier 1 (`verbatim`) looks for runs of normalized tokens the output repeats from the vector;
 * tier 2 (`ngram`), tried only when tier 1 finds none, looks for paraphrase. Pure and
 * deterministic: the same input always gives the same output.
 */
export function matchCitations(
  output: string,
  vectors: ReadonlyArray<VectorInput>,
  config: Partial<MatcherConfig> = {},
): Citation[] {
  const settings = resolveMatcherConfig(config);
  assertInput(output, vectors);
  // Cached word ids belong to the vocabulary: a fresh vocabulary voids them.
  if (vocabulary.trim()) vectorCache.clear();
  outputTokens.tokenize(output, vocabulary, settings.stemming);
  if (outputTokens.count === 0) return [];
  const verbatim = verbatimIndex.index(outputTokens, vocabulary, verbatimOptions(settings));
  let ngram: NgramIndex | undefined;
  const citations: Citation[] = [];
  const seen = new Set<string>();
  for (const vector of vectors) {
    if (seen.has(vector.id)) continue;
    seen.add(vector.id);
    if (vector.content.length === 0) continue;
    const vectorTokens = tokensOf(vector.content, settings.stemming);
    const copied = verbatim.match(vectorTokens);
    if (copied) {
      citations.push({
        vectorId: vector.id,
        tier: 'verbatim',
        score: round(copied.vectorShare),
        spans: toSpans(copied.outputRanges.map((range) => [range.start, range.end - 1] as const)),
      });
      continue;
    }
    ngram ??= ngramIndex.build(outputTokens, termSpace(vocabulary, settings.stemming), ngramOptions(settings));
    const match = ngram.score(vectorTokens, termSpace(vocabulary, settings.stemming));
    if (match) {
      const tokens = outputTokens.contentTokens;
      const spans = toSpans(match.passages.map((p) => [tokens[p.first] ?? 0, tokens[p.last] ?? 0] as const));
      citations.push({ vectorId: vector.id, tier: 'ngram', score: round(match.evidence), spans });
    }
  }
  return citations;
}

/** The vector's tokens: from the cache when this text was cached before, else tokenized (and cached if admitted). */
function tokensOf(content: string, stemming: boolean): TokenSequence {
  const key = sampleKey(content);
  const cached = vectorCache.get(key, content, stemming);
  if (cached) return cached;
  const tokens = vectorText.tokenize(content, vocabulary, stemming);
  if (!vectorCache.admits(key)) return tokens;
  const copy = VectorTokens.of(tokens);
  vectorCache.set(key, content, stemming, copy);
  return copy;
}

/** Character spans of output token ranges [first, last] (inclusive), sorted and merged. */
function toSpans(ranges: ReadonlyArray<readonly [number, number]>): CitationSpan[] {
  return mergeSpans(
    ranges.map(([first, last]) => ({ start: outputTokens.starts[first] ?? 0, end: outputTokens.ends[last] ?? 0 })),
  );
}

/** Scores are rounded so that they print and compare the same everywhere. */
export function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

function assertInput(output: unknown, vectors: unknown): void {
  if (typeof output !== 'string') throw new TypeError('output must be a string');
  if (!Array.isArray(vectors)) throw new TypeError('vectors must be an array');
  vectors.forEach((vector: unknown, index) => {
    if (typeof vector !== 'object' || vector === null) throw new TypeError(`vectors[${index}] must be an object`);
    const { id, content } = vector as { id?: unknown; content?: unknown };
    if (typeof id !== 'string') throw new TypeError(`vectors[${index}].id must be a string`);
    if (typeof content !== 'string') throw new TypeError(`vectors[${index}].content must be a string`);
  });
}
