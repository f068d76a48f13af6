import { mergeSeeds, slideWindow, type Passage } from './passages';
import type { TokenizedText, TokenSequence } from './tokenize';

export interface NgramOptions {
  readonly size: number;
  readonly span: number;
  readonly minNats: number;
  readonly windowTokens: number;
  readonly minEvidence: number;
  readonly passageTokens: number;
}

export interface NgramMatch {
  /** Evidence of the best window, in nats. */
  readonly evidence: number;
  /** Aligned passages inside the windows that reach the cut-off, by position, merged. */
  readonly passages: Passage[];
}

const HASH_PRIME = 0x01000193;
/**
 * Bits of a filter on the output's pairs of terms, by group: a vector pair whose bit is clear is not
 * an output pair, without hashing it (exact while the output has at most 256 distinct terms).
 */
const PAIR_FILTER_BITS = 1 << 16;
/** Headroom on a bound built from log/expm1, which are not guaranteed monotone to the last bit. */
const ROUNDING_SLACK = 1 + 1e-9;

/**
 * Per-term scratch shared by all calls (matching is synchronous): counts of the current vector's
 * terms, and a stamp marking the terms of the current output. Sized by the vocabulary, so
 * allocating them per call would cost more than the matching.
 */
const terms = {
  counts: new Int32Array(1024),
  inOutput: new Int32Array(1024),
  /** For a term of the current output: its group in NgramIndex's positions-by-term. */
  group: new Int32Array(1024),
  stamp: 0,
};

function ensureTermSpace(size: number): void {
  if (terms.counts.length >= size) return;
  let length = terms.counts.length;
  while (length < size) length *= 2;
  const inOutput = new Int32Array(length);
  inOutput.set(terms.inOutput);
  const group = new Int32Array(length);
  group.set(terms.group);
  terms.counts = new Int32Array(length);
  terms.inOutput = inOutput;
  terms.group = group;
}

/**
 * Tier 2: paraphrase evidence from word n-grams of content-word stems.
 *
 * Seeds are the distinct n-grams of the output (content words in text order, consecutive words at
 * most `span` apart, so one inserted or swapped word does not break them) that also occur in the
 * vector. Topic words make many such seeds by chance — a retrieved chunk shares vocabulary with
 * the answer by construction — so each seed is weighted by how unlikely it is to form by chance.
 * With counts c₁…cₙ of its words among L content words, a random arrangement holds the n-gram
 * λ = spanⁿ⁻¹·∏cᵢ / Lⁿ⁻¹ times on average. λ is taken on both sides — in the vector (L capped at
 * `passageTokens`) and in the output window around the seed — and the larger one counts: the seed
 * is worth −ln P(at least one) = −ln(1 − e^−λ) nats. A pair of words that either text repeats
 * throughout ("page", "link", "class") is worth almost nothing; a pair of words each text uses
 * once is worth several nats.
 *
 * Evidence is local, as in PAN text-alignment systems: seeds are summed over a sliding window of
 * the output (passages.ts), so a long answer that merely keeps to the vector's topic does not
 * accumulate chance seeds into a citation, while a paraphrased passage inside a long answer still
 * stands out.
 */
export class NgramIndex {
  private options: NgramOptions = { size: 2, span: 1, minNats: 0, windowTokens: 1, minEvidence: 0, passageTokens: 1 };
  private output: TokenizedText | undefined;
  // Buffers are kept from one output to the next and only grow.
  private slots: Int32Array = new Int32Array(16);
  private mask = 15;
  private entryCount = 0;
  private entryHashes: Int32Array = new Int32Array(16);
  private entryTerms: Int32Array = new Int32Array(32);
  private entryFirst: Int32Array = new Int32Array(16);
  private entryLast: Int32Array = new Int32Array(16);
  private entryStamp: Int32Array = new Int32Array(16);
  private stamp = 0;
  private matched: Int32Array = new Int32Array(16);
  private matchedNats: Float64Array = new Float64Array(16);
  /**
   * Per entry, chance in the output alone: λ in the output window around it, and what a seed is
   * worth at that λ (−1 until first needed; it depends on the output only).
   */
  private entryOutputLambda: Float64Array = new Float64Array(16);
  private entryOutputNats: Float64Array = new Float64Array(16);
  /** Output content words over which output-side chance is reckoned, and that λ's scale. */
  private width = 1;
  private outputScale = 1;
  private contributions: Float64Array = new Float64Array(16);
  private gaps: Int32Array = new Int32Array(2);
  /** Marks this output's terms in `terms.inOutput`. */
  private termStamp = 0;
  /** Output positions grouped by term: group g holds groupPositionList[groupStarts[g], groupStarts[g + 1]). */
  private groupStarts: Int32Array = new Int32Array(16);
  private groupPositionList: Int32Array = new Int32Array(16);
  /** Number of groups: distinct terms of the output. */
  private groupCount = 0;
  private readonly pairFilter = new Int32Array(PAIR_FILTER_BITS >>> 5);

  /** Indexes the output's distinct n-grams (first occurrence of each); `termSpace` bounds the term ids. */
  build(output: TokenizedText, termSpace: number, options: NgramOptions): this {
    this.options = options;
    this.output = output;
    const { size, span } = options;
    if (this.gaps.length !== size) this.gaps = new Int32Array(size);
    ensureTermSpace(termSpace);
    this.termStamp = ++terms.stamp;
    this.groupPositions(output);
    const capacity = Math.max(1, output.contentCount * span ** (size - 1));
    let slotCount = 16;
    while (slotCount < capacity * 2) slotCount *= 2;
    if (this.slots.length < slotCount) this.slots = new Int32Array(slotCount);
    else this.slots.fill(0, 0, slotCount);
    this.mask = slotCount - 1;
    if (this.entryHashes.length < capacity) {
      this.entryHashes = new Int32Array(capacity);
      this.entryFirst = new Int32Array(capacity);
      this.entryLast = new Int32Array(capacity);
      this.entryStamp = new Int32Array(capacity);
      this.stamp = 0;
      this.matched = new Int32Array(capacity);
      this.matchedNats = new Float64Array(capacity);
      this.entryOutputLambda = new Float64Array(capacity);
      this.entryOutputNats = new Float64Array(capacity);
    }
    this.entryOutputNats.fill(-1, 0, capacity);
    // The output side of chance is reckoned over a window around each seed: an answer that keeps
    // repeating a pair's words would form the pair by chance too. (Local, so that topic words
    // elsewhere in a long answer do not discount a paraphrased passage.)
    this.width = Math.min(output.contentCount, options.windowTokens);
    this.outputScale = span ** (size - 1) / this.width ** (size - 1);
    if (this.entryTerms.length < capacity * size) this.entryTerms = new Int32Array(capacity * size);
    // Contributions are zero between vectors (weigh clears what it wrote).
    if (this.contributions.length < output.contentCount) this.contributions = new Float64Array(output.contentCount);
    this.entryCount = 0;
    if (size === 2) {
      // The default size, unrolled.
      const outputTerms = output.contentTerms;
      const count = output.contentCount;
      const filter = this.pairFilter;
      filter.fill(0);
      for (let first = 0; first < count - 1; first++) {
        const x = outputTerms[first] ?? 0;
        const limit = Math.min(count - 1, first + span);
        for (let last = first + 1; last <= limit; last++) {
          const y = outputTerms[last] ?? 0;
          if (x === y) continue;
          const bit = this.pairBit(x, y);
          const word = filter[bit >>> 5] ?? 0;
          const flag = 1 << (bit & 31);
          // A clear bit means a pair not seen yet: no need to look it up.
          filter[bit >>> 5] = word | flag;
          const hash = pairHash(x, y);
          if ((word & flag) === 0 || this.lookupPair(hash, x, y) < 0) this.insertPair(hash, x, y, first, last);
        }
      }
      return this;
    }
    this.forEachNgram(output, (first, last, hash) => {
      const slot = this.find(hash, output.contentTerms, first);
      if (slot >= 0) this.insert(slot, hash, output.contentTerms, first, last);
    });
    return this;
  }

  /**
   * Marks the output's terms (`terms.inOutput`) and lists the positions of each, grouped by term
   * and ascending, so that occurrences within a window can be counted by binary search.
   */
  private groupPositions(output: TokenizedText): void {
    const count = output.contentCount;
    const outputTerms = output.contentTerms;
    if (this.groupStarts.length < count + 2) this.groupStarts = new Int32Array(count + 2);
    if (this.groupPositionList.length < count) this.groupPositionList = new Int32Array(count);
    const starts = this.groupStarts;
    starts.fill(0, 0, count + 2);
    let groups = 0;
    for (let i = 0; i < count; i++) {
      const term = outputTerms[i] ?? 0;
      if (terms.inOutput[term] !== this.termStamp) {
        terms.inOutput[term] = this.termStamp;
        terms.group[term] = groups++;
      }
      const group = terms.group[term] ?? 0;
      starts[group + 2] = (starts[group + 2] ?? 0) + 1;
    }
    this.groupCount = groups;
    // starts[g + 1] becomes the start of group g; filling advances it to the end of group g.
    for (let g = 2; g <= groups + 1; g++) starts[g] = (starts[g] ?? 0) + (starts[g - 1] ?? 0);
    for (let i = 0; i < count; i++) {
      const group = terms.group[outputTerms[i] ?? 0] ?? 0;
      const at = starts[group + 1] ?? 0;
      this.groupPositionList[at] = i;
      starts[group + 1] = at + 1;
    }
  }

  /** Occurrences of an output term at positions [from, to). */
  private occurrences(term: number, from: number, to: number): number {
    const group = terms.group[term] ?? 0;
    const begin = this.groupStarts[group] ?? 0;
    const end = this.groupStarts[group + 1] ?? 0;
    return lowerBound(this.groupPositionList, begin, end, to) - lowerBound(this.groupPositionList, begin, end, from);
  }

  /** Scores one vector against the indexed output; undefined when the evidence stays below the cut-off. */
  score(vector: TokenSequence, termSpace: number): NgramMatch | undefined {
    const output = this.output;
    if (!output || this.entryCount === 0 || vector.contentCount < this.options.size) return undefined;
    const matchedCount = this.collectMatches(vector);
    if (matchedCount === 0) return undefined;
    // A seed is worth at most the nats of one whose words each occur once; when even that many
    // could not reach the cut-off, skip the weighing.
    const { size, span, passageTokens, minEvidence } = this.options;
    const length = Math.min(vector.contentCount, passageTokens);
    const mostPerSeed = -Math.log(-Math.expm1(-(span ** (size - 1) / length ** (size - 1))));
    if (matchedCount * mostPerSeed < minEvidence) return undefined;
    // Nor can a seed be worth more than its chance in the output alone allows, which is known
    // per output n-gram: most vectors that share topic words stop here, before being counted.
    if (this.evidenceBound(matchedCount, mostPerSeed) < minEvidence) return undefined;
    return this.weigh(vector, matchedCount, termSpace, output.contentCount);
  }

  /**
   * An upper bound on the matched seeds' total evidence, from the output side alone: a seed is
   * worth −ln(1 − e^−max(λ, λ_output)), so at most what λ_output or `mostPerSeed` (λ at counts of 1)
   * gives.
   */
  private evidenceBound(matchedCount: number, mostPerSeed: number): number {
    const minNats = this.options.minNats;
    let bound = 0;
    for (let m = 0; m < matchedCount; m++) {
      const most = Math.min(mostPerSeed, this.outputNats(this.matched[m] ?? 0));
      if (most >= minNats) bound += most;
    }
    return bound * ROUNDING_SLACK;
  }

  /** What a seed is worth at its chance in the output window around it (see `weigh`). */
  private outputNats(entry: number): number {
    const known = this.entryOutputNats[entry] ?? -1;
    if (known >= 0) return known;
    const { size } = this.options;
    const width = this.width;
    const outputCount = this.output?.contentCount ?? 0;
    const first = this.entryFirst[entry] ?? 0;
    const from = Math.max(0, Math.min(first - (width >> 1), outputCount - width));
    let outputLambda = this.outputScale;
    for (let t = 0; t < size; t++)
      outputLambda *= this.occurrences(this.entryTerms[entry * size + t] ?? 0, from, from + width);
    const nats = -Math.log(-Math.expm1(-outputLambda));
    this.entryOutputLambda[entry] = outputLambda;
    this.entryOutputNats[entry] = nats;
    return nats;
  }

  /** Marks the output n-grams that occur in the vector; returns how many. */
  private collectMatches(vector: TokenSequence): number {
    this.stamp++;
    const stamp = this.stamp;
    const entryStamp = this.entryStamp;
    const matched = this.matched;
    let matchedCount = 0;
    if (this.options.size === 2) {
      // The default size, unrolled: this loop runs once per vector word. A pair can only match
      // when both words occur in the output, which most words of an unused chunk do not.
      const vectorTerms = vector.contentTerms;
      const inOutput = terms.inOutput;
      const termStamp = this.termStamp;
      const count = vector.contentCount;
      const span = this.options.span;
      const filter = this.pairFilter;
      for (let j = 0; j < count - 1; j++) {
        const x = vectorTerms[j] ?? 0;
        if (inOutput[x] !== termStamp) continue;
        const limit = Math.min(count - 1, j + span);
        for (let j2 = j + 1; j2 <= limit; j2++) {
          const y = vectorTerms[j2] ?? 0;
          if (x === y || inOutput[y] !== termStamp) continue;
          const bit = this.pairBit(x, y);
          if (((filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) continue;
          const entry = this.lookupPair(pairHash(x, y), x, y);
          if (entry >= 0 && entryStamp[entry] !== stamp) {
            entryStamp[entry] = stamp;
            matched[matchedCount++] = entry;
          }
        }
      }
    } else {
      this.forEachNgram(vector, (first, _last, hash) => {
        const slot = this.find(hash, vector.contentTerms, first);
        const entry = -slot - 1;
        if (slot < 0 && entryStamp[entry] !== stamp) {
          entryStamp[entry] = stamp;
          matched[matchedCount++] = entry;
        }
      });
    }
    return matchedCount;
  }

  private weigh(
    vector: TokenSequence,
    matchedCount: number,
    termSpace: number,
    outputCount: number,
  ): NgramMatch | undefined {
    const { size, span, minNats, minEvidence, passageTokens } = this.options;
    const counts = this.countTerms(vector, termSpace);
    // Chance is reckoned over at most a passage: in a long chunk the words of one section
    // cluster together, and spreading them over the whole chunk would overrate every seed.
    const length = Math.min(vector.contentCount, passageTokens);
    const scale = span ** (size - 1) / length ** (size - 1);
    const contributions = this.contributions;
    let total = 0;
    for (let m = 0; m < matchedCount; m++) {
      const entry = this.matched[m] ?? 0;
      const first = this.entryFirst[entry] ?? 0;
      let lambda = scale;
      for (let t = 0; t < size; t++) lambda *= counts[this.entryTerms[entry * size + t] ?? 0] ?? 0;
      // The larger λ counts; the output's is known with its worth (evidenceBound computed both).
      const nats =
        lambda <= (this.entryOutputLambda[entry] ?? 0)
          ? (this.entryOutputNats[entry] ?? 0)
          : -Math.log(-Math.expm1(-lambda));
      this.matchedNats[m] = nats;
      if (nats < minNats) continue;
      contributions[first] = (contributions[first] ?? 0) + nats;
      total += nats;
    }
    this.uncountTerms(vector, counts);
    let result: NgramMatch | undefined;
    // The best window can hold at most the total: skip the window pass for most vectors.
    if (total >= minEvidence) result = this.windows(outputCount, matchedCount);
    for (let m = 0; m < matchedCount; m++) contributions[this.entryFirst[this.matched[m] ?? 0] ?? 0] = 0;
    return result;
  }

  /** Best window evidence and the passages of seeds inside windows that reach the cut-off. */
  private windows(outputCount: number, matchedCount: number): NgramMatch | undefined {
    const { windowTokens, minEvidence, minNats, span } = this.options;
    const { best, covered } = slideWindow(this.contributions, outputCount, windowTokens, minEvidence);
    if (best < minEvidence) return undefined;
    const seeds: Passage[] = [];
    for (let m = 0; m < matchedCount; m++) {
      if ((this.matchedNats[m] ?? 0) < minNats) continue;
      const entry = this.matched[m] ?? 0;
      const first = this.entryFirst[entry] ?? 0;
      seeds.push({ first, last: this.entryLast[entry] ?? first });
    }
    return { evidence: best, passages: mergeSeeds(seeds, covered, span) };
  }

  private countTerms(vector: TokenSequence, termSpace: number): Int32Array {
    ensureTermSpace(termSpace);
    const counts = terms.counts;
    const vectorTerms = vector.contentTerms;
    for (let j = 0; j < vector.contentCount; j++) {
      const term = vectorTerms[j] ?? 0;
      counts[term] = (counts[term] ?? 0) + 1;
    }
    return counts;
  }

  private uncountTerms(vector: TokenSequence, counts: Int32Array): void {
    const vectorTerms = vector.contentTerms;
    for (let j = 0; j < vector.contentCount; j++) counts[vectorTerms[j] ?? 0] = 0;
  }

  /**
   * Calls `visit` for every n-gram of the text's content terms: `size` terms in order, each at
   * most `span` positions after the previous one, no two consecutive terms equal.
   */
  private forEachNgram(text: TokenSequence, visit: (first: number, last: number, hash: number) => void): void {
    const { size, span } = this.options;
    const terms = text.contentTerms;
    const count = text.contentCount;
    const gaps = this.gaps;
    for (let first = 0; first < count; first++) {
      // Odometer over the gaps between consecutive terms, each 1 … span.
      gaps.fill(1);
      for (;;) {
        let position = first;
        let valid = true;
        let hash = HASH_PRIME;
        let previous = terms[first] ?? 0;
        hash = Math.imul(hash ^ previous, HASH_PRIME);
        for (let t = 1; t < size && valid; t++) {
          position += gaps[t] ?? 1;
          const term = terms[position] ?? 0;
          if (position >= count || term === previous) valid = false;
          previous = term;
          hash = Math.imul(hash ^ term, HASH_PRIME);
        }
        if (valid) visit(first, position, finish(hash));
        let t = size - 1;
        while (t >= 1 && (gaps[t] ?? 1) === span) gaps[t--] = 1;
        if (t < 1) break;
        gaps[t] = (gaps[t] ?? 1) + 1;
      }
    }
  }

  /**
   * Slot of the n-gram whose terms are those at `first` and the positions given by `this.gaps`:
   * `-(entry + 1)` when indexed, else the free slot (≥ 0) where it belongs.
   */
  private find(hash: number, terms: Int32Array, first: number): number {
    const size = this.options.size;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const stored = this.slots[slot] ?? 0;
      if (stored === 0) return slot;
      const entry = stored - 1;
      if (this.entryHashes[entry] === hash) {
        let same = true;
        let position = first;
        for (let t = 0; t < size && same; t++) {
          if (t > 0) position += this.gaps[t] ?? 1;
          same = this.entryTerms[entry * size + t] === terms[position];
        }
        if (same) return -entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Bit of the pair filter for two terms of the output. */
  private pairBit(x: number, y: number): number {
    return (Math.imul(terms.group[x] ?? 0, this.groupCount) + (terms.group[y] ?? 0)) & (PAIR_FILTER_BITS - 1);
  }

  private lookupPair(hash: number, x: number, y: number): number {
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const stored = this.slots[slot] ?? 0;
      if (stored === 0) return -1;
      const entry = stored - 1;
      if (
        this.entryHashes[entry] === hash &&
        this.entryTerms[entry * 2] === x &&
        this.entryTerms[entry * 2 + 1] === y
      ) {
        return entry;
      }
      slot = (slot + 1) & mask;
    }
  }

  private insertPair(hash: number, x: number, y: number, first: number, last: number): void {
    const mask = this.mask;
    let slot = hash & mask;
    while ((this.slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    const entry = this.entryCount++;
    this.entryHashes[entry] = hash;
    this.entryTerms[entry * 2] = x;
    this.entryTerms[entry * 2 + 1] = y;
    this.entryFirst[entry] = first;
    this.entryLast[entry] = last;
    this.slots[slot] = entry + 1;
  }

  private insert(slot: number, hash: number, terms: Int32Array, first: number, last: number): void {
    const size = this.options.size;
    const entry = this.entryCount++;
    this.entryHashes[entry] = hash;
    let position = first;
    for (let t = 0; t < size; t++) {
      if (t > 0) position += this.gaps[t] ?? 1;
      this.entryTerms[entry * size + t] = terms[position] ?? 0;
    }
    this.entryFirst[entry] = first;
    this.entryLast[entry] = last;
    this.slots[slot] = entry + 1;
  }
}

/** First index in sorted[begin, end) whose value is ≥ value. */
function lowerBound(sorted: Int32Array, begin: number, end: number, value: number): number {
  let low = begin;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Same value as `forEachNgram` computes for a two-term n-gram. */
function pairHash(x: number, y: number): number {
  return finish(Math.imul(Math.imul(HASH_PRIME ^ x, HASH_PRIME) ^ y, HASH_PRIME));
}

function finish(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}
