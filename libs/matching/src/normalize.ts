/**
 * Text normalization for matching: Unicode NFKC, full case folding, and every character that is
 * not a letter, digit or combining mark treated as a separator (so whitespace and punctuation
 * variants — NBSP, curly quotes, dashes, ellipses — all compare equal).
 *
 * Normalization works on *segments*: one code point plus the combining marks that follow it. A
 * segment is normalized on its own, so every normalized character can be traced back to the
 * segment of the original string it came from; that is how citation spans point into the text as
 * given. ASCII segments take a table lookup; everything else goes through `foldSegment`.
 */

/** `ASCII_FOLD[c]` is the folded code of ASCII word character `c`, or -1 for a separator. */
export const ASCII_FOLD: Int16Array = buildAsciiFold();

/** Separator in the output of `foldSegment`. */
export const SEPARATOR = 0x20;

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const COMBINING = /^\p{M}$/u;
// Scripts written without spaces between words: each character is its own token.
const SPACELESS = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;

const MEMO_LIMIT = 4096;
const memo = new Map<string, string>();

/**
 * Normalizes one non-ASCII segment: NFKC, full case folding, then separators as a single space
 * and characters of space-less scripts isolated by spaces. Memoized (punctuation such as curly
 * quotes and NBSP repeats endlessly); the memo is bounded and does not affect results.
 */
export function foldSegment(segment: string): string {
  const known = memo.get(segment);
  if (known !== undefined) return known;
  const folded = caseFold(segment.normalize('NFKC')).normalize('NFKC');
  let out = '';
  for (const ch of folded) {
    if (!WORD_CHAR.test(ch)) out += ' ';
    else if (SPACELESS.test(ch)) out += ` ${ch} `;
    else out += ch;
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(segment, out);
  return out;
}

/** Full case folding as far as it differs from lower-casing for common text. */
function caseFold(text: string): string {
  const lower = text.toLowerCase();
  return /[ßς]/u.test(lower) ? lower.replace(/ß/gu, 'ss').replace(/ς/gu, 'σ') : lower;
}

/** End (exclusive) of the segment that starts at `start`: the code point and its combining marks. */
export function segmentEnd(text: string, start: number): number {
  let end = start + codePointLength(text, start);
  while (end < text.length && isContinuation(text, end)) end += codePointLength(text, end);
  return end;
}

/** True when the character at `index` combines with the one before it (a combining mark or Hangul jamo). */
export function isContinuation(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x300) return false;
  if (code >= 0x1160 && code <= 0x11ff) return true; // Hangul medial vowels and final consonants
  if (code < 0xd800 || code > 0xdfff) return bmpProperty(code, COMBINES) === YES;
  const cp = text.codePointAt(index) ?? code;
  return COMBINING.test(String.fromCodePoint(cp));
}

/**
 * True when the code unit, as a segment of its own, normalizes to separators only (NBSP, curly
 * quotes, dashes, ellipses…). False for surrogates, which are only half a character.
 */
export function foldsToSeparator(code: number): boolean {
  return (code < 0xd800 || code > 0xdfff) && bmpProperty(code, SEPARATES) === YES;
}

const UNKNOWN = 0;
const YES = 1;
const NO = 2;
const COMBINES = 0;
const SEPARATES = 1;
/**
 * Two properties of each BMP character (outside surrogates), filled in on first use: they are
 * fixed by Unicode, but working them out takes a regular expression or a normalization.
 */
const bmpProperties = [new Uint8Array(0x10000), new Uint8Array(0x10000)] as const;

function bmpProperty(code: number, property: typeof COMBINES | typeof SEPARATES): number {
  const table = bmpProperties[property];
  const known = table[code] ?? UNKNOWN;
  if (known !== UNKNOWN) return known;
  const ch = String.fromCharCode(code);
  const holds = property === COMBINES ? COMBINING.test(ch) : !COMBINING.test(ch) && isAllSeparators(foldSegment(ch));
  table[code] = holds ? YES : NO;
  return table[code] ?? UNKNOWN;
}

function isAllSeparators(folded: string): boolean {
  if (folded.length === 0) return false;
  for (let k = 0; k < folded.length; k++) if (folded.charCodeAt(k) !== SEPARATOR) return false;
  return true;
}

function codePointLength(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 2;
  }
  return 1;
}

export interface NormalizedText {
  /** Normalized text; every separator run is one space, no leading or trailing space. */
  readonly text: string;
  /** For each character of `text`: start (inclusive) of the original segment it came from. */
  readonly starts: Int32Array;
  /** For each character of `text`: end (exclusive) of the original segment it came from. */
  readonly ends: Int32Array;
}

/**
 * The normalized form the matcher compares, with an offset map back to the original string.
 * The tokenizer applies the same rules inline; this form exists to state them (and to test them).
 */
export function normalizeText(text: string): NormalizedText {
  const chars: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const emit = (code: number, start: number, end: number): void => {
    if (code === SEPARATOR && (chars.length === 0 || chars[chars.length - 1] === SEPARATOR)) return;
    chars.push(code);
    starts.push(start);
    ends.push(end);
  };
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code < 0x80 && !(i + 1 < text.length && isContinuation(text, i + 1))) {
      const folded = ASCII_FOLD[code] ?? -1;
      emit(folded >= 0 ? folded : SEPARATOR, i, i + 1);
      i++;
      continue;
    }
    const end = segmentEnd(text, i);
    const folded = foldSegment(text.slice(i, end));
    for (let k = 0; k < folded.length; k++) emit(folded.charCodeAt(k), i, end);
    i = end;
  }
  if (chars[chars.length - 1] === SEPARATOR) {
    chars.pop();
    starts.pop();
    ends.pop();
  }
  return { text: fromCharCodes(chars), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

function fromCharCodes(codes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  return out;
}

function buildAsciiFold(): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let c = 0x30; c <= 0x39; c++) table[c] = c;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = c;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = c + 0x20;
  return table;
}
