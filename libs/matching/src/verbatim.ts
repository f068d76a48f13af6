import type { TokenizedText, TokenSequence } from './tokenize';
import type { Vocabulary } from './vocabulary';

export interface VerbatimOptions {
  /** A shared run must be at least this many tokens long. */
  readonly minTokens: number;
  /** …and a covered stretch must hold at least this many content tokens. */
  readonly minContentTokens: number;
}

/** Token range [start, end) of one text. */
export interface TokenRange {
  readonly start: number;
  readonly end: number;
}

export interface VerbatimMatch {
  /** Output stretches covered by runs the vector shares, by position, disjoint. */
  readonly outputRanges: TokenRange[];
  /** Share of the vector's tokens covered by runs the output shares. */
  readonly vectorShare: number;
}

const HASH_BASE = 0x01000193;
/** Candidate output positions examined per probe; bounds the work on highly repetitive text. */
const MAX_CANDIDATES = 32;

/**
 * Tier 1: runs of at least `minTokens` normalized tokens that the output shares with a vector.
 *
 * A token of either text is covered when it lies in a window of `minTokens` consecutive tokens
 * that also occurs in the other text; covered stretches count when they hold at least
 * `minContentTokens` content words (so "is a kind of … for example a" or a formula's letters do
 * not make a citation).
 *
 * Most vectors share no such run, so a cheap test goes first: the output's k-grams are indexed
 * once (k = minTokens − stride + 1) and each vector is probed only at every stride-th token. Any
 * shared run of minTokens tokens contains a probed position followed by a whole k-gram of the run,
 * so the test misses nothing while costing one hash per `stride` vector tokens. Only vectors that
 * pass it pay for the exact coverage, computed with sets of whole windows. Every hash hit is
 * confirmed token by token.
 */
export class VerbatimIndex {
  private options: VerbatimOptions = { minTokens: 8, minContentTokens: 0 };
  private stride = 1;
  private k = 1;
  private output: TokenizedText | undefined;
  private vocabulary: Vocabulary | undefined;
  // Buffers are kept from one output to the next and only grow.
  private heads: Int32Array = new Int32Array(16);
  private next: Int32Array = new Int32Array(16);
  private keys: Int32Array = new Int32Array(16);
  private mask = 15;
  /** Hashes of the output's minTokens-windows, computed on first need for each output. */
  private outputWindows: Int32Array = new Int32Array(16);
  private outputWindowsReady = false;
  /** The output's distinct minTokens-windows, built on first need for each output. */
  private readonly outputWindowSet = new WindowSet();
  private outputWindowSetReady = false;
  private vectorWindows: Int32Array = new Int32Array(16);
  private readonly vectorWindowSet = new WindowSet();

  /** Indexes an output. It must not be re-tokenized while this index is in use. */
  index(output: TokenizedText, vocabulary: Vocabulary, options: VerbatimOptions): this {
    this.options = options;
    this.stride = Math.max(1, Math.floor(options.minTokens / 2));
    this.k = options.minTokens - this.stride + 1;
    this.output = output;
    this.vocabulary = vocabulary;
    this.outputWindowsReady = false;
    this.outputWindowSetReady = false;
    const positions = Math.max(0, output.count - this.k + 1);
    let size = 16;
    while (size < positions * 2) size *= 2;
    if (this.heads.length < size) this.heads = new Int32Array(size);
    if (this.next.length < positions) this.next = new Int32Array(positions);
    this.mask = size - 1;
    this.heads.fill(-1, 0, size);
    this.keys = rollingHashes(output.words, output.count, this.k, this.keys);
    for (let start = 0; start < positions; start++) {
      const slot = bucket(this.keys[start] ?? 0) & this.mask;
      this.next[start] = this.heads[slot] ?? -1;
      this.heads[slot] = start;
    }
    return this;
  }

  /** Tier 1 for one vector; undefined when no qualifying run is shared. */
  match(vector: TokenSequence): VerbatimMatch | undefined {
    const output = this.output;
    const vocabulary = this.vocabulary;
    if (!output || !vocabulary || !this.sharesRun(output, vector)) return undefined;
    const m = this.options.minTokens;
    const vectorWindowCount = vector.count - m + 1;
    this.vectorWindows = rollingHashes(vector.words, vector.count, m, this.vectorWindows);
    // Output side: stretches covered by windows that occur in the vector.
    const vectorSet = this.vectorWindowSet.fill(vector.words, this.vectorWindows, vectorWindowCount, m);
    if (!this.outputWindowsReady) {
      this.outputWindows = rollingHashes(output.words, output.count, m, this.outputWindows);
      this.outputWindowsReady = true;
    }
    const outputRanges = coveredStretches(
      this.outputWindows,
      output,
      m,
      vectorSet,
      vector.words,
      vector.count,
      this.options,
      vocabulary,
    );
    if (outputRanges.length === 0) return undefined;
    // Vector side, for the score: stretches covered by windows that occur in the output.
    if (!this.outputWindowSetReady) {
      this.outputWindowSet.fill(output.words, this.outputWindows, output.count - m + 1, m);
      this.outputWindowSetReady = true;
    }
    const vectorRanges = coveredStretches(
      this.vectorWindows,
      vector,
      m,
      this.outputWindowSet,
      output.words,
      output.count,
      this.options,
      vocabulary,
    );
    const covered = vectorRanges.reduce((sum, range) => sum + range.end - range.start, 0);
    return { outputRanges, vectorShare: covered / vector.count };
  }

  /** Whether the texts share a run of at least minTokens tokens (content not considered). */
  private sharesRun(output: TokenizedText, vector: TokenSequence): boolean {
    const m = this.options.minTokens;
    if (output.count < m || vector.count < m) return false;
    const out = output.words;
    const vec = vector.words;
    const outCount = output.count;
    const vecCount = vector.count;
    const k = this.k;
    const heads = this.heads;
    const next = this.next;
    const keys = this.keys;
    const mask = this.mask;
    /** Vector end of the latest (too short) run found on each diagonal: output index − vector index. */
    let explored: Map<number, number> | undefined;
    for (let j = 0; j + k <= vecCount; j += this.stride) {
      let hash = 0;
      for (let t = 0; t < k; t++) hash = (Math.imul(hash, HASH_BASE) + (vec[j + t] ?? 0)) | 0;
      let i = heads[bucket(hash) & mask] ?? -1;
      for (let candidates = 0; i >= 0 && candidates < MAX_CANDIDATES; i = next[i] ?? -1, candidates++) {
        if (keys[i] !== hash || !sameTokens(out, i, vec, j, k)) continue;
        if (explored !== undefined && (explored.get(i - j) ?? -1) > j) continue;
        let before = 0;
        while (i - before > 0 && j - before > 0 && out[i - before - 1] === vec[j - before - 1]) before++;
        let after = k;
        while (i + after < outCount && j + after < vecCount && out[i + after] === vec[j + after]) after++;
        if (before + after >= m) return true;
        explored ??= new Map();
        explored.set(i - j, j + after);
      }
    }
    return false;
  }
}

/**
 * Stretches of `text` covered by its windows (hashes in `windows`) that occur in `set`, whose
 * positions refer to `setWords` (`setLength` tokens); only stretches with enough content tokens
 * are kept.
 */
function coveredStretches(
  windows: Int32Array,
  text: TokenSequence,
  m: number,
  set: WindowSet,
  setWords: Int32Array,
  setLength: number,
  options: VerbatimOptions,
  vocabulary: Vocabulary,
): TokenRange[] {
  const stretches: TokenRange[] = [];
  let start = -1;
  let end = -1;
  const keep = (): void => {
    if (start >= 0 && countContent(text.words, start, end, vocabulary) >= options.minContentTokens) {
      stretches.push({ start, end });
    }
  };
  const words = text.words;
  /** Where the previous window occurred in setWords, so a run continues without hashing. */
  let previous = -1;
  for (let i = 0; i + m <= text.count; i++) {
    // Inside a shared run, the next window matches one further on if its new last token does.
    const continues = previous >= 0 && previous + 1 + m <= setLength && words[i + m - 1] === setWords[previous + m];
    const position = continues ? previous + 1 : set.find(windows[i] ?? 0, words, i, setWords, m);
    previous = position;
    if (position < 0) continue;
    if (i <= end) {
      end = i + m;
    } else {
      keep();
      start = i;
      end = i + m;
    }
  }
  keep();
  return stretches;
}

/** Distinct windows of m tokens of one text, by hash, with positions to confirm hits. */
class WindowSet {
  private hashes = new Int32Array(64);
  private positions = new Int32Array(64);
  private stamps = new Int32Array(64);
  private stamp = 0;
  private mask = 63;

  /** Replaces the contents with the `windows` windows of `words` (hashes precomputed in `hashes`). */
  fill(words: Int32Array, hashes: Int32Array, windows: number, m: number): this {
    let size = this.hashes.length;
    while (size < windows * 2) size *= 2;
    if (size !== this.hashes.length) {
      this.hashes = new Int32Array(size);
      this.positions = new Int32Array(size);
      this.stamps = new Int32Array(size);
      this.stamp = 0;
      this.mask = size - 1;
    }
    this.stamp++;
    for (let i = 0; i < windows; i++) {
      const hash = hashes[i] ?? 0;
      let slot = bucket(hash) & this.mask;
      for (;;) {
        if (this.stamps[slot] !== this.stamp) {
          this.stamps[slot] = this.stamp;
          this.hashes[slot] = hash;
          this.positions[slot] = i;
          break;
        }
        if (this.hashes[slot] === hash && sameTokens(words, this.positions[slot] ?? 0, words, i, m)) break;
        slot = (slot + 1) & this.mask;
      }
    }
    return this;
  }

  /** Where in `setWords` the window words[at, at+m), with this hash, occurs; -1 if not in the set. */
  find(hash: number, words: Int32Array, at: number, setWords: Int32Array, m: number): number {
    let slot = bucket(hash) & this.mask;
    while (this.stamps[slot] === this.stamp) {
      const position = this.positions[slot] ?? 0;
      if (this.hashes[slot] === hash && sameTokens(setWords, position, words, at, m)) return position;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }
}

/** Polynomial hash of every window of k tokens, result[i] covering words[i, i+k); into `buffer` when it fits. */
function rollingHashes(words: Int32Array, count: number, k: number, buffer: Int32Array): Int32Array {
  const windows = Math.max(0, count - k + 1);
  const hashes = buffer.length >= windows ? buffer : new Int32Array(windows * 2);
  let power = 1;
  for (let t = 1; t < k; t++) power = Math.imul(power, HASH_BASE);
  let hash = 0;
  for (let i = 0; i < count; i++) {
    if (i >= k) hash = (hash - Math.imul(words[i - k] ?? 0, power)) | 0;
    hash = (Math.imul(hash, HASH_BASE) + (words[i] ?? 0)) | 0;
    if (i >= k - 1) hashes[i - k + 1] = hash;
  }
  return hashes;
}

function sameTokens(a: Int32Array, i: number, b: Int32Array, j: number, length: number): boolean {
  for (let t = 0; t < length; t++) if (a[i + t] !== b[j + t]) return false;
  return true;
}

function countContent(words: Int32Array, start: number, end: number, vocabulary: Vocabulary): number {
  const content = vocabulary.contentWords;
  let n = 0;
  for (let i = start; i < end; i++) if ((content[words[i] ?? 0] ?? -1) >= 0) n++;
  return n;
}

function bucket(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
