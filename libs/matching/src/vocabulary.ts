import { stem } from './stem';
import { STOP_WORDS } from './stopwords';

/** Marks a token that is not a content word (stop word, single ASCII letter or digit); ids are ≥ 0. */
export const NOT_CONTENT = -1;

/**
 * Words of up to this many ASCII characters are keyed by the characters themselves, packed 4 to
 * an integer; the others by a hash, confirmed against the stored characters.
 */
export const PACKED_MAX = 8;
/** Second key of a word keyed by hash (a packed key's second half is never negative). */
const HASHED = -1;
/** Integers per slot: first key, second key, length, id + 1 (0: free slot). */
const SLOT = 4;

/** FNV-1a over UTF-16 code units, the hash of words that are not packed. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const INITIAL_SLOTS = 1 << 14;
const INITIAL_ENTRIES = 1 << 13;
const INITIAL_POOL = 1 << 16;

/**
 * Interns normalized tokens as small integers, so that all later work compares and hashes
 * numbers, never strings. Each entry also records, computed once per distinct word, its
 * content-word status and its stem id.
 *
 * A lookup touches one slot for most words: a word of up to PACKED_MAX ASCII characters is its
 * own key (so a key match is a character match), and longer or non-ASCII words are keyed by a hash
 * and confirmed character by character. Either way two words never share an id. Ids mean nothing
 * outside the call that produced them: `trim` may start a fresh vocabulary between calls to bound
 * memory, which is why results never depend on id values, only on id equality.
 */
export class Vocabulary {
  private slots: Int32Array = new Int32Array(INITIAL_SLOTS * SLOT);
  private offsets: Int32Array = new Int32Array(INITIAL_ENTRIES);
  private lengths: Int32Array = new Int32Array(INITIAL_ENTRIES);
  private pool: Uint16Array = new Uint16Array(INITIAL_POOL);
  private poolLength = 0;
  private readonly stemIndex = new Map<string, number>();
  /** Per word id: the word id itself for content words, else NOT_CONTENT. */
  contentWords: Int32Array = new Int32Array(INITIAL_ENTRIES);
  /** Per word id: the stem id for content words, else NOT_CONTENT. */
  contentStems: Int32Array = new Int32Array(INITIAL_ENTRIES);
  /** Number of interned words; ids are 0 … size-1. */
  size = 0;

  constructor(private readonly maxEntries = 1 << 20) {}

  /** Number of distinct stems so far; stem ids are 0 … stemCount-1. */
  get stemCount(): number {
    return this.stemIndex.size;
  }

  /** Between calls: start afresh once the vocabulary has grown past its bound. True when it did (old ids are void). */
  trim(): boolean {
    if (this.size <= this.maxEntries && this.poolLength <= this.maxEntries * 16) return false;
    this.slots = new Int32Array(INITIAL_SLOTS * SLOT);
    this.offsets = new Int32Array(INITIAL_ENTRIES);
    this.lengths = new Int32Array(INITIAL_ENTRIES);
    this.contentWords = new Int32Array(INITIAL_ENTRIES);
    this.contentStems = new Int32Array(INITIAL_ENTRIES);
    this.pool = new Uint16Array(INITIAL_POOL);
    this.poolLength = 0;
    this.stemIndex.clear();
    this.size = 0;
    return true;
  }

  /** Id of the word in `chars[0 … length)`; interns it if new. */
  intern(chars: Uint16Array, length: number): number {
    let low = 0;
    let high = 0;
    let ascii = length <= PACKED_MAX;
    for (let k = 0; k < length && ascii; k++) {
      const c = chars[k] ?? 0;
      ascii = c < 0x80;
      high = (high << 8) | (low >>> 24);
      low = (low << 8) | c;
    }
    if (ascii) return this.internPacked(low, high, length, chars, 0);
    let hash = FNV_OFFSET;
    for (let k = 0; k < length; k++) hash = Math.imul(hash ^ (chars[k] ?? 0), FNV_PRIME);
    let slot = this.slotOf(hash, HASHED);
    for (;;) {
      const entry = this.slots[slot + 3] ?? 0;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.slots[slot] === hash && this.slots[slot + 1] === HASHED && this.slots[slot + 2] === length) {
        const offset = this.offsets[id] ?? 0;
        let k = 0;
        while (k < length && this.pool[offset + k] === chars[k]) k++;
        if (k === length) return id;
      }
      slot = (slot + SLOT) & (this.slots.length - 1);
    }
    return this.insert(slot, hash, HASHED, chars, 0, length);
  }

  /**
   * `intern` for an ASCII word of letters and digits read straight from UTF-8 bytes:
   * bytes[from, from+length), folded by `| 0x20`. `low` and `high` are its packed characters
   * when length ≤ PACKED_MAX (the tokenizer packs them while scanning).
   */
  internAscii(bytes: Uint8Array, from: number, length: number, low: number, high: number): number {
    if (length <= PACKED_MAX) return this.internPacked(low, high, length, bytes, from);
    let hash = FNV_OFFSET;
    for (let k = 0; k < length; k++) hash = Math.imul(hash ^ ((bytes[from + k] ?? 0) | 0x20), FNV_PRIME);
    let slot = this.slotOf(hash, HASHED);
    for (;;) {
      const entry = this.slots[slot + 3] ?? 0;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.slots[slot] === hash && this.slots[slot + 1] === HASHED && this.slots[slot + 2] === length) {
        const offset = this.offsets[id] ?? 0;
        let k = 0;
        while (k < length && this.pool[offset + k] === ((bytes[from + k] ?? 0) | 0x20)) k++;
        if (k === length) return id;
      }
      slot = (slot + SLOT) & (this.slots.length - 1);
    }
    return this.insert(slot, hash, HASHED, bytes, from, length);
  }

  /** The word with this id (for tests and diagnostics). */
  word(id: number): string {
    const offset = this.offsets[id] ?? 0;
    const end = offset + (this.lengths[id] ?? 0);
    let word = '';
    // In chunks: a token can be thousands of characters long (base64, minified code).
    for (let k = offset; k < end; k += 4096)
      word += String.fromCharCode(...this.pool.subarray(k, Math.min(end, k + 4096)));
    return word;
  }

  /**
   * Id of a word of up to PACKED_MAX ASCII characters, packed into `low` (last four) and `high`;
   * its characters, for a new entry, are source[from, from+length) (bytes are folded by `| 0x20`,
   * which leaves folded characters as they are).
   */
  private internPacked(
    low: number,
    high: number,
    length: number,
    source: Uint8Array | Uint16Array,
    from: number,
  ): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = this.slotOf(low, high);
    for (;;) {
      const entry = slots[slot + 3] ?? 0;
      if (entry === 0) break;
      // Characters are never 0, so the packed key also fixes the length.
      if (slots[slot] === low && slots[slot + 1] === high) return entry - 1;
      slot = (slot + SLOT) & mask;
    }
    return this.insert(slot, low, high, source, from, length);
  }

  /** First slot to probe for a key. */
  private slotOf(first: number, second: number): number {
    const h = Math.imul(first ^ Math.imul(second, 0x2c1b3c6d), 0x45d9f3b);
    return Math.imul(h ^ (h >>> 16), SLOT) & (this.slots.length - 1);
  }

  private insert(
    slot: number,
    first: number,
    second: number,
    source: Uint8Array | Uint16Array,
    from: number,
    length: number,
  ): number {
    const id = this.size;
    if (id === this.offsets.length) this.growEntries();
    if (this.poolLength + length > this.pool.length) this.pool = grow(this.pool, this.poolLength + length);
    const pool = this.pool;
    const offset = this.poolLength;
    const fold = source instanceof Uint8Array ? 0x20 : 0;
    for (let k = 0; k < length; k++) pool[offset + k] = (source[from + k] ?? 0) | fold;
    this.offsets[id] = offset;
    this.lengths[id] = length;
    this.poolLength += length;
    const word = this.word(id);
    const content = isContentWord(word);
    this.contentWords[id] = content ? id : NOT_CONTENT;
    this.contentStems[id] = content ? this.stemId(stem(word)) : NOT_CONTENT;
    this.slots[slot] = first;
    this.slots[slot + 1] = second;
    this.slots[slot + 2] = length;
    this.slots[slot + 3] = id + 1;
    this.size = id + 1;
    if (this.size * 2 * SLOT > this.slots.length) this.rehash();
    return id;
  }

  private stemId(stemmed: string): number {
    let id = this.stemIndex.get(stemmed);
    if (id === undefined) {
      id = this.stemIndex.size;
      this.stemIndex.set(stemmed, id);
    }
    return id;
  }

  private growEntries(): void {
    const capacity = this.offsets.length * 2;
    this.offsets = grow(this.offsets, capacity);
    this.lengths = grow(this.lengths, capacity);
    this.contentWords = grow(this.contentWords, capacity);
    this.contentStems = grow(this.contentStems, capacity);
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      if ((old[from + 3] ?? 0) === 0) continue;
      let slot = this.slotOf(old[from] ?? 0, old[from + 1] ?? 0);
      while ((this.slots[slot + 3] ?? 0) !== 0) slot = (slot + SLOT) & mask;
      for (let k = 0; k < SLOT; k++) this.slots[slot + k] = old[from + k] ?? 0;
    }
  }
}

/** A content word is neither a stop word nor a lone ASCII letter or digit ("p", "a", "3" in formulas). */
export function isContentWord(word: string): boolean {
  if (word.length === 1 && word.charCodeAt(0) < 0x80) return false;
  return !STOP_WORDS.has(word);
}

function grow<T extends Int32Array | Uint16Array>(array: T, minimum: number): T {
  let capacity = array.length * 2;
  while (capacity < minimum) capacity *= 2;
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
