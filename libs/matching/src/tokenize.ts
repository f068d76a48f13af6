import { ASCII_FOLD, SEPARATOR, foldSegment, foldsToSeparator, isContinuation, segmentEnd } from './normalize';
import type { Vocabulary } from './vocabulary';

/** For every byte value: 1 for ASCII letters and digits, whose folded form is `byte | 0x20`; else 0. */
const ASCII_WORD_BYTE = Uint8Array.from({ length: 256 }, (_, byte) => ((ASCII_FOLD[byte] ?? -1) >= 0 ? 1 : 0));

/** What the tiers read of a vector's tokens (a `TokenizedText`, or a `VectorTokens` copy of one). */
export interface TokenSequence {
  /** Number of tokens. */
  readonly count: number;
  /** Word id of each token. */
  readonly words: Int32Array;
  /** Number of content tokens. */
  readonly contentCount: number;
  /** Stem id (or word id without stemming) of each content token. */
  readonly contentTerms: Int32Array;
}

/**
 * A text cut into normalized word tokens (see normalize.ts), each interned as a number, with the
 * original UTF-16 range it came from. Content words are also listed on their own, as stems (or
 * words), for the n-gram tier.
 *
 * Buffers are reused from one text to the next, so a TokenizedText is only valid until its next
 * `tokenize` call.
 */
export class TokenizedText implements TokenSequence {
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
    // The scan walks the UTF-8 bytes (indexing a byte array is much cheaper than charCodeAt).
    // `shift` is how far the byte index has run ahead of the UTF-16 index of the same character.
    const bytes = utf8(text);
    const byteCount = encoded;
    // Imported bindings compile to getters: read them once, not per character.
    const fold = ASCII_FOLD;
    const wordByte = ASCII_WORD_BYTE;
    let scratch = this.scratch;
    /** Length of the token the general path is building (0: none). */
    let length = 0;
    let start = 0;
    let end = 0;
    let shift = 0;
    let b = 0;
    while (b < byteCount) {
      let code = bytes[b] ?? 0;
      if (length === 0 && code < 0x80) {
        // Between tokens, ASCII text takes a tight loop: skip a separator, or read a whole word
        // and intern it straight from the byte buffer.
        if (wordByte[code] === 0) {
          b++;
          continue;
        }
        const from = b;
        // The last PACKED_MAX folded characters, packed as the vocabulary keys short words.
        let low = 0;
        let high = 0;
        // Stops on the separator byte after the text too; bytes from 0x80 up end the word as well.
        do {
          high = (high << 8) | (low >>> 24);
          low = (low << 8) | code | 0x20;
          code = bytes[++b] ?? 0;
        } while (wordByte[code] === 1);
        const wordLength = b - from;
        if (code >= 0x80) {
          // The word may go on past ASCII ("café"): hand it to the general path below.
          while (scratch.length < wordLength) scratch = this.growScratch();
          for (let k = 0; k < wordLength; k++) scratch[k] = (bytes[from + k] ?? 0) | 0x20;
          length = wordLength;
          start = from - shift;
          end = b - shift;
        } else {
          const word = vocabulary.internAscii(bytes, from, wordLength, low, high);
          this.push(vocabulary, word, from - shift, b - shift, stemming);
        }
        continue;
      }
      if (code < 0x80) {
        // ASCII inside a token that the general path started.
        const folded = fold[code] ?? -1;
        if (folded >= 0) {
          if (length === scratch.length) scratch = this.growScratch();
          scratch[length++] = folded;
          end = b + 1 - shift;
        } else {
          this.push(vocabulary, vocabulary.intern(scratch, length), start, end, stemming);
          length = 0;
        }
        b++;
        continue;
      }
      const i = b - shift;
      const unit = text.charCodeAt(i);
      if (foldsToSeparator(unit) && !(i + 1 < text.length && isContinuation(text, i + 1))) {
        // Punctuation and spaces beyond ASCII (curly quotes, dashes, NBSP) on their own: a separator.
        if (length > 0) this.push(vocabulary, vocabulary.intern(scratch, length), start, end, stemming);
        length = 0;
        const unitBytes = unit < 0x800 ? 2 : 3;
        b += unitBytes;
        shift += unitBytes - 1;
        continue;
      }
      let segmentStart = i;
      if (i > 0 && isContinuation(text, i) && text.charCodeAt(i - 1) < 0x80) {
        // A combining mark after an ASCII character ("e" + U+0301): normalize the pair together.
        segmentStart = i - 1;
        if (length > 0 && end === i) length--;
      }
      const segmentStop = segmentEnd(text, segmentStart);
      const folded = foldSegment(text.slice(segmentStart, segmentStop));
      for (let k = 0; k < folded.length; k++) {
        const c = folded.charCodeAt(k);
        if (c !== SEPARATOR) {
          if (length === 0) start = segmentStart;
          if (length === scratch.length) scratch = this.growScratch();
          scratch[length++] = c;
          end = segmentStop;
        } else if (length > 0) {
          this.push(vocabulary, vocabulary.intern(scratch, length), start, end, stemming);
          length = 0;
        }
      }
      b += utf8Length(text, i, segmentStop);
      shift = b - segmentStop;
    }
    if (length > 0) this.push(vocabulary, vocabulary.intern(scratch, length), start, end, stemming);
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

/**
 * The text's UTF-8 bytes, in a buffer reused from call to call, followed by a 0 byte (a
 * separator, so a scan can end a word without testing for the end of the text).
 */
function utf8(text: string): Uint8Array {
  // Three bytes per UTF-16 code unit is the most UTF-8 can need.
  if (utf8Buffer.length <= text.length * 3) utf8Buffer = new Uint8Array(text.length * 3 + 1);
  encoded = encoder.encodeInto(text, utf8Buffer).written;
  utf8Buffer[encoded] = 0;
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

function doubled(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
