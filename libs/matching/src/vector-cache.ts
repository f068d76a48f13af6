import type { TokenSequence, TokenizedText } from './tokenize';

/** Default bound of the vector cache, in (estimated) bytes. */
export const DEFAULT_VECTOR_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Estimated fixed cost of an entry beyond its text and token arrays (entry object, two typed
 * arrays and their buffers), so that many tiny vectors cannot hold unbounded memory.
 */
const ENTRY_OVERHEAD_BYTES = 256;
/** Entries sharing a sampled key kept at once: bounds a lookup however keys collide. */
const MAX_CHAIN = 4;
/** Code units of a text that its sampled key reads. */
const KEY_SAMPLES = 32;
/**
 * The doorkeeper remembers the keys of texts seen once in a bitset of this many bits, and starts
 * afresh after DOORKEEPER_MARKS of them, which keeps its false positives under ~12 %.
 */
const DOORKEEPER_BITS = 1 << 20;
const DOORKEEPER_MARKS = 1 << 17;

/** A vector's tokens copied out of the tokenizer's buffers, so they can outlive the next text. */
export class VectorTokens implements TokenSequence {
  constructor(
    readonly count: number,
    readonly words: Int32Array,
    readonly contentCount: number,
    readonly contentTerms: Int32Array,
  ) {}

  static of(text: TokenizedText): VectorTokens {
    // One buffer for both arrays: a typed array's backing store costs far more to allocate and
    // collect than the view over it.
    const { count, contentCount } = text;
    const buffer = new Int32Array(count + contentCount);
    buffer.set(text.words.subarray(0, count));
    buffer.set(text.contentTerms.subarray(0, contentCount), count);
    return new VectorTokens(count, buffer.subarray(0, count), contentCount, buffer.subarray(count));
  }
}

interface Entry {
  readonly text: string;
  readonly key: number;
  readonly stemming: boolean;
  readonly tokens: VectorTokens;
  readonly bytes: number;
  /** Neighbours in recency order (`newer` of the most recent is undefined). */
  older: Entry | undefined;
  newer: Entry | undefined;
  /** Next entry with the same key. */
  chained: Entry | undefined;
}

/**
 * Tokens of vectors already seen, by content. Retrieval serves the same hot chunks to many
 * generations, and tokenizing them is most of the cost of matching, so a hit skips it.
 *
 * Keyed by the text itself: a lookup samples the text into a 32-bit key (V8's own string hash, a
 * Map's key, reads every character, ~2 µs for a fresh 1.5 KB chunk, and hashes texts over 16,383
 * characters by their length alone), then confirms each candidate with `===`. So a hit is exact whatever the key
 * collisions; at most MAX_CHAIN entries share a key, so collisions cannot make a lookup slow.
 *
 * A text is cached from its second sighting on: a doorkeeper (a bitset of keys seen once, as in
 * TinyLFU) turns the first away, so chunks retrieved only once — most of a long tail — cost
 * neither a copy nor cache space, and do not push out the hot ones.
 *
 * Bounded by estimated bytes (2 per UTF-16 code unit of text, 4 per token id, plus a fixed
 * overhead per entry), least recently used first out. Word ids are only valid with the vocabulary
 * that produced them: clear the cache whenever that vocabulary starts afresh.
 */
export class VectorCache {
  private readonly byKey = new Map<number, Entry>();
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  private entryCount = 0;
  private usedBytes = 0;
  private readonly doorkeeper = new Int32Array(DOORKEEPER_BITS >>> 5);
  private doorkeeperMarks = 0;
  /** Lookups that found their text, and those that did not, since construction. */
  hits = 0;
  misses = 0;

  constructor(private maxBytes: number = DEFAULT_VECTOR_CACHE_BYTES) {
    assertLimit(maxBytes);
  }

  /** Number of cached vectors. */
  get size(): number {
    return this.entryCount;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.usedBytes;
  }

  /** The bound, in estimated bytes. */
  get limit(): number {
    return this.maxBytes;
  }

  /** Changes the bound (0 disables the cache), evicting what no longer fits. */
  resize(maxBytes: number): void {
    assertLimit(maxBytes);
    this.maxBytes = maxBytes;
    this.evictTo(maxBytes);
  }

  /** The cached tokens of `text` (whose `sampleKey` is `key`) as tokenized with this `stemming`, marked as recently used. */
  get(key: number, text: string, stemming: boolean): VectorTokens | undefined {
    for (let entry = this.byKey.get(key); entry; entry = entry.chained) {
      if (entry.text === text && entry.stemming === stemming) {
        this.touch(entry);
        this.hits++;
        return entry.tokens;
      }
    }
    this.misses++;
    return undefined;
  }

  /**
   * Whether a text that `get` did not find should be cached: true when its key was seen before
   * (or shares the doorkeeper's bit with one that was); else remembers it and says no.
   */
  admits(key: number): boolean {
    if (this.maxBytes === 0) return false;
    const bit = Math.imul(key, 0x9e3779b1) >>> 12;
    const word = bit >>> 5;
    const flag = 1 << (bit & 31);
    const seen = ((this.doorkeeper[word] ?? 0) & flag) !== 0;
    if (seen) return true;
    if (this.doorkeeperMarks === DOORKEEPER_MARKS) {
      this.doorkeeper.fill(0);
      this.doorkeeperMarks = 0;
    }
    this.doorkeeper[word] = (this.doorkeeper[word] ?? 0) | flag;
    this.doorkeeperMarks++;
    return false;
  }

  /** Caches the tokens of a text that `get` did not find (one that would not fit is not cached). */
  set(key: number, text: string, stemming: boolean, tokens: VectorTokens): void {
    const bytes = ENTRY_OVERHEAD_BYTES + 2 * text.length + 4 * (tokens.count + tokens.contentCount);
    if (bytes > this.maxBytes) return;
    this.evictTo(this.maxBytes - bytes);
    let head = this.byKey.get(key);
    let chainLength = 0;
    for (let entry = head; entry; entry = entry.chained) chainLength++;
    if (chainLength >= MAX_CHAIN && head) {
      // The chain is in insertion order, newest first: drop its last entry.
      let last = head;
      while (last.chained) last = last.chained;
      this.remove(last);
      head = this.byKey.get(key);
    }
    const entry: Entry = { text, key, stemming, tokens, bytes, older: this.newest, newer: undefined, chained: head };
    this.byKey.set(key, entry);
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
    this.entryCount++;
    this.usedBytes += bytes;
  }

  /** Drops every entry. */
  clear(): void {
    this.byKey.clear();
    this.oldest = undefined;
    this.newest = undefined;
    this.entryCount = 0;
    this.usedBytes = 0;
  }

  private evictTo(bytes: number): void {
    while (this.usedBytes > bytes && this.oldest) this.remove(this.oldest);
  }

  private touch(entry: Entry): void {
    if (entry === this.newest) return;
    this.unlink(entry);
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    this.newest = entry;
  }

  private remove(entry: Entry): void {
    this.unlink(entry);
    const head = this.byKey.get(entry.key);
    if (head === entry) {
      if (entry.chained) this.byKey.set(entry.key, entry.chained);
      else this.byKey.delete(entry.key);
    } else {
      let previous = head;
      while (previous && previous.chained !== entry) previous = previous.chained;
      if (previous) previous.chained = entry.chained;
    }
    this.entryCount--;
    this.usedBytes -= entry.bytes;
  }

  /** Takes an entry out of the recency list. */
  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
  }
}

/** A 32-bit key from the length and KEY_SAMPLES code units spread over the text. */
export function sampleKey(text: string): number {
  const length = text.length;
  const step = Math.max(1, Math.floor(length / KEY_SAMPLES));
  let hash = Math.imul(length ^ 0x811c9dc5, 0x01000193);
  for (let i = 0; i < length; i += step) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash ^ (hash >>> 15);
}

function assertLimit(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`vector cache bytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
}
