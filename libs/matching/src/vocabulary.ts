import { stem } from './stem';
import { STOP_WORDS } from './stopwords';

/** Marks a token that is not a content word (stop word, single ASCII letter or digit); ids are ≥ 0. */
export const NOT_CONTENT = -1;

const INITIAL_SLOTS = 1 << 14;
const INITIAL_ENTRIES = 1 << 13;
const INITIAL_POOL = 1 << 16;

/**
 * Interns normalized tokens as small integers, so that all later work compares and hashes
 * numbers, never strings. Each entry also records, computed once per distinct word, its
 * content-word status and its stem id.
 *
 * Lookups hash the token's characters while the tokenizer scans them and confirm a hit by
 * comparing characters, so two words never share an id. Ids mean nothing outside the call that
 * produced them: `trim` may start a fresh vocabulary between calls to bound memory, which is why
 * results never depend on id values, only on id equality.
 */
export class Vocabulary {
  private slots: Int32Array = new Int32Array(INITIAL_SLOTS);
  private hashes: Int32Array = new Int32Array(INITIAL_ENTRIES);
  private offsets: Int32Array = new Int32Array(INITIAL_ENTRIES);
  private lengths: Int32Array = new Int32Array(INITIAL_ENTRIES);
  private pool: Uint16Array = new Uint16Array(INITIAL_POOL);
  private poolLength = 0;
  private readonly stemIndex = new Map<string, number>();
  private asciiScratch: Uint16Array = new Uint16Array(64);
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

  /** Between calls: start afresh once the vocabulary has grown past its bound. */
  trim(): void {
    if (this.size <= this.maxEntries && this.poolLength <= this.maxEntries * 16) return;
    this.slots = new Int32Array(INITIAL_SLOTS);
    this.hashes = new Int32Array(INITIAL_ENTRIES);
    this.offsets = new Int32Array(INITIAL_ENTRIES);
    this.lengths = new Int32Array(INITIAL_ENTRIES);
    this.contentWords = new Int32Array(INITIAL_ENTRIES);
    this.contentStems = new Int32Array(INITIAL_ENTRIES);
    this.pool = new Uint16Array(INITIAL_POOL);
    this.poolLength = 0;
    this.stemIndex.clear();
    this.size = 0;
  }

  /** Id of the word in `chars[0 … length)`, whose FNV-1a hash is `hash`; interns it if new. */
  intern(chars: Uint16Array, length: number, hash: number): number {
    const mask = this.slots.length - 1;
    let slot = mix(hash) & mask;
    for (;;) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.sameChars(id, chars, length)) return id;
      slot = (slot + 1) & mask;
    }
    return this.insert(slot, chars, length, hash);
  }

  /**
   * `intern` for an ASCII word read straight from UTF-8 bytes: bytes[from, from+length), each
   * folded through `fold`, with that folded word's hash.
   */
  internAscii(bytes: Uint8Array, from: number, length: number, hash: number, fold: Int16Array): number {
    const mask = this.slots.length - 1;
    let slot = mix(hash) & mask;
    for (;;) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === hash && this.lengths[id] === length) {
        const offset = this.offsets[id] ?? 0;
        const pool = this.pool;
        let k = 0;
        while (k < length && pool[offset + k] === fold[bytes[from + k] ?? 0]) k++;
        if (k === length) return id;
      }
      slot = (slot + 1) & mask;
    }
    const chars =
      this.asciiScratch.length >= length ? this.asciiScratch : (this.asciiScratch = new Uint16Array(length * 2));
    for (let k = 0; k < length; k++) chars[k] = fold[bytes[from + k] ?? 0] ?? 0;
    return this.insert(slot, chars, length, hash);
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

  private sameChars(id: number, chars: Uint16Array, length: number): boolean {
    const offset = this.offsets[id] ?? 0;
    const pool = this.pool;
    for (let k = 0; k < length; k++) if (pool[offset + k] !== chars[k]) return false;
    return true;
  }

  private insert(slot: number, chars: Uint16Array, length: number, hash: number): number {
    const id = this.size;
    if (id === this.hashes.length) this.growEntries();
    if (this.poolLength + length > this.pool.length) this.pool = grow(this.pool, this.poolLength + length);
    this.pool.set(chars.subarray(0, length), this.poolLength);
    this.hashes[id] = hash;
    this.offsets[id] = this.poolLength;
    this.lengths[id] = length;
    this.poolLength += length;
    const word = this.word(id);
    const content = isContentWord(word);
    this.contentWords[id] = content ? id : NOT_CONTENT;
    this.contentStems[id] = content ? this.stemId(stem(word)) : NOT_CONTENT;
    this.slots[slot] = id + 1;
    this.size = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
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
    const capacity = this.hashes.length * 2;
    this.hashes = grow(this.hashes, capacity);
    this.offsets = grow(this.offsets, capacity);
    this.lengths = grow(this.lengths, capacity);
    this.contentWords = grow(this.contentWords, capacity);
    this.contentStems = grow(this.contentStems, capacity);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = mix(this.hashes[id] ?? 0) & mask;
      while ((slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

/** A content word is neither a stop word nor a lone ASCII letter or digit ("p", "a", "3" in formulas). */
export function isContentWord(word: string): boolean {
  if (word.length === 1 && word.charCodeAt(0) < 0x80) return false;
  return !STOP_WORDS.has(word);
}

/** Spreads FNV-1a's weak low bits before masking. */
function mix(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

function grow<T extends Int32Array | Uint16Array>(array: T, minimum: number): T {
  let capacity = array.length * 2;
  while (capacity < minimum) capacity *= 2;
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
