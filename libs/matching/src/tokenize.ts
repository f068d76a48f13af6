import { ASCII_FOLD, SEPARATOR, foldSegment, isContinuation, segmentEnd } from './normalize';
import type { Vocabulary } from './vocabulary';

/** FNV-1a over the folded UTF-16 code units of a token, computed while scanning. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** ASCII_FOLD extended to all byte values: bytes of multi-byte UTF-8 sequences map to NON_ASCII. */
const NON_ASCII = -2;
const BYTE_FOLD = Int16Array.from({ length: 256 }, (_, byte) => (byte < 0x80 ? (ASCII_FOLD[byte] ?? -1) : NON_ASCII));

/**
 * A text cut into normalized word tokens (see normalize.ts), each interned as a number, with the
 * original UTF-16 range it came from. Content words are also listed on their own, as stems (or
 * words), for the n-gram tier.
 *
 * Buffers are reused from one text to the next, so a TokenizedText is only valid until its next
 * `tokenize` call.
 */
export class TokenizedText {
  /** Number of tokens. */
  count = 0;
  /** Word id of each token. */
  words: Int32Array = new Int32Array(256);
  /** Original start (inclusive) of each token. */
  starts: Int32Array = new Int32Array(256);
  /** Original end (exclusive) of each token. */
  ends: Int32Array = new Int32Array(256);
  /** Number of content tokens. */
  contentCount = 0;
  /** Stem id (or word id without stemming) of each content token. */
  contentTerms: Int32Array = new Int32Array(256);
  /** Token index of each content token. */
  contentTokens: Int32Array = new Int32Array(256);

  private scratch: Uint16Array = new Uint16Array(64);

  /** Replaces the contents with the tokens of `text`. */
  tokenize(text: string, vocabulary: Vocabulary, stemming: boolean): this {
    this.count = 0;
    this.contentCount = 0;
    // The scan walks the UTF-8 bytes (indexing a byte array is much cheaper than charCodeAt) and
    // keeps `i`, the UTF-16 index of the same character, for offsets and the non-ASCII path.
    const bytes = utf8(text);
    const byteCount = encoded;
    // Imported bindings compile to getters: read them once, not per character.
    const fold = ASCII_FOLD;
    const byteFold = BYTE_FOLD;
    let scratch = this.scratch;
    let length = 0;
    let hash = FNV_OFFSET;
    let start = 0;
    let end = 0;
    let b = 0;
    let i = 0;
    while (b < byteCount) {
      const code = bytes[b] ?? 0;
      if (length === 0 && code < 0x80) {
        // Between tokens, ASCII text takes a tight loop: skip a separator, or read a whole word
        // and intern it straight from the byte buffer.
        let folded = fold[code] ?? -1;
        if (folded < 0) {
          b++;
          i++;
          continue;
        }
        const from = b;
        let wordHash = FNV_OFFSET;
        // byteFold maps bytes from 0x80 up to NON_ASCII, so one test ends the word on either.
        do {
          wordHash = Math.imul(wordHash ^ folded, FNV_PRIME);
          b++;
          folded = b < byteCount ? (byteFold[bytes[b] ?? 0] ?? -1) : -1;
        } while (folded >= 0);
        const nonAscii = folded === NON_ASCII;
        const wordLength = b - from;
        if (nonAscii) {
          // The word may go on past ASCII ("café"): hand it to the general path below.
          while (scratch.length < wordLength) scratch = this.growScratch();
          for (let k = 0; k < wordLength; k++) scratch[k] = fold[bytes[from + k] ?? 0] ?? 0;
          length = wordLength;
          hash = wordHash;
          start = i;
          end = i + wordLength;
        } else {
          this.push(
            vocabulary,
            vocabulary.internAscii(bytes, from, wordLength, wordHash, fold),
            i,
            i + wordLength,
            stemming,
          );
        }
        i += wordLength;
        continue;
      }
      if (code < 0x80) {
        // ASCII inside a token that the general path started.
        const folded = fold[code] ?? -1;
        if (folded >= 0) {
          if (length === scratch.length) scratch = this.growScratch();
          scratch[length++] = folded;
          hash = Math.imul(hash ^ folded, FNV_PRIME);
          end = i + 1;
        } else {
          this.push(vocabulary, vocabulary.intern(scratch, length, hash), start, end, stemming);
          length = 0;
          hash = FNV_OFFSET;
        }
        b++;
        i++;
        continue;
      }
      let segmentStart = i;
      if (i > 0 && isContinuation(text, i) && text.charCodeAt(i - 1) < 0x80) {
        // A combining mark after an ASCII character ("e" + U+0301): normalize the pair together.
        segmentStart = i - 1;
        if (length > 0 && end === i) {
          length--;
          hash = rehash(scratch, length);
        }
      }
      const segmentStop = segmentEnd(text, segmentStart);
      const folded = foldSegment(text.slice(segmentStart, segmentStop));
      for (let k = 0; k < folded.length; k++) {
        const c = folded.charCodeAt(k);
        if (c !== SEPARATOR) {
          if (length === 0) start = segmentStart;
          if (length === scratch.length) scratch = this.growScratch();
          scratch[length++] = c;
          hash = Math.imul(hash ^ c, FNV_PRIME);
          end = segmentStop;
        } else if (length > 0) {
          this.push(vocabulary, vocabulary.intern(scratch, length, hash), start, end, stemming);
          length = 0;
          hash = FNV_OFFSET;
        }
      }
      b += utf8Length(text, i, segmentStop);
      i = segmentStop;
    }
    if (length > 0) this.push(vocabulary, vocabulary.intern(scratch, length, hash), start, end, stemming);
    return this;
  }

  private push(vocabulary: Vocabulary, word: number, start: number, end: number, stemming: boolean): void {
    const index = this.count;
    if (index === this.words.length) this.growTokens();
    this.words[index] = word;
    this.starts[index] = start;
    this.ends[index] = end;
    this.count = index + 1;
    // Read after `intern`: interning a new word may have reallocated these arrays.
    const term = (stemming ? vocabulary.contentStems : vocabulary.contentWords)[word] ?? -1;
    if (term >= 0) {
      const c = this.contentCount;
      if (c === this.contentTerms.length) this.growContent();
      this.contentTerms[c] = term;
      this.contentTokens[c] = index;
      this.contentCount = c + 1;
    }
  }

  private growScratch(): Uint16Array {
    const bigger = new Uint16Array(this.scratch.length * 2);
    bigger.set(this.scratch);
    this.scratch = bigger;
    return bigger;
  }

  private growTokens(): void {
    this.words = doubled(this.words);
    this.starts = doubled(this.starts);
    this.ends = doubled(this.ends);
  }

  private growContent(): void {
    this.contentTerms = doubled(this.contentTerms);
    this.contentTokens = doubled(this.contentTokens);
  }
}

const encoder = new TextEncoder();
let utf8Buffer = new Uint8Array(1 << 16);
/** Byte count of the last `utf8` call. */
let encoded = 0;

/** The text's UTF-8 bytes, in a buffer reused from call to call. */
function utf8(text: string): Uint8Array {
  // Three bytes per UTF-16 code unit is the most UTF-8 can need.
  if (utf8Buffer.length < text.length * 3) utf8Buffer = new Uint8Array(text.length * 3);
  encoded = encoder.encodeInto(text, utf8Buffer).written;
  return utf8Buffer;
}

/** UTF-8 length of text[from, to), as TextEncoder writes it (a lone surrogate becomes U+FFFD). */
function utf8Length(text: string, from: number, to: number): number {
  let bytes = 0;
  for (let k = from; k < to; k++) {
    const code = text.charCodeAt(k);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && k + 1 < to && isLowSurrogate(text.charCodeAt(k + 1))) {
      bytes += 4;
      k++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function rehash(chars: Uint16Array, length: number): number {
  let hash = FNV_OFFSET;
  for (let k = 0; k < length; k++) hash = Math.imul(hash ^ (chars[k] ?? 0), FNV_PRIME);
  return hash;
}

function doubled(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
