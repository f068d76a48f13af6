import { TokenizedText } from './tokenize';
import { VectorCache, VectorTokens, sampleKey } from './vector-cache';
import { Vocabulary } from './vocabulary';

const vocabulary = new Vocabulary();
const tokenizer = new TokenizedText();
const tokensOf = (text: string): VectorTokens => VectorTokens.of(tokenizer.tokenize(text, vocabulary, true));
/** Distinct texts with distinct sampled keys (every word differs). */
const textOf = (n: number): string => Array.from({ length: 60 }, (_, i) => `w${(n * 60 + i).toString(36)}`).join(' ');

describe('VectorCache', () => {
  it('returns the tokens stored for the same text, and nothing for another text or stemming', () => {
    const cache = new VectorCache();
    const tokens = tokensOf(textOf(1));
    cache.set(sampleKey(textOf(1)), textOf(1), true, tokens);
    // A different string object with the same content: keyed by content, not identity.
    const sameContent = JSON.parse(JSON.stringify(textOf(1))) as string;
    expect(cache.get(sampleKey(sameContent), sameContent, true)).toBe(tokens);
    expect(cache.get(sampleKey(textOf(2)), textOf(2), true)).toBeUndefined();
    expect(cache.get(sampleKey(textOf(1)), textOf(1), false)).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('copies tokens out of the tokenizer buffers', () => {
    const first = tokensOf('alpha beta gamma delta');
    tokensOf('epsilon zeta');
    expect([...first.words].map((id) => vocabulary.word(id))).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(first.contentCount).toBe(4);
  });

  it('keeps its estimated bytes within the bound, evicting the least recently used', () => {
    const one = tokensOf(textOf(0));
    const cache = new VectorCache(0);
    cache.resize(Number.MAX_SAFE_INTEGER);
    cache.set(sampleKey(textOf(0)), textOf(0), true, one);
    const entryBytes = cache.bytes;
    cache.resize(entryBytes * 3 + entryBytes / 2);
    cache.set(sampleKey(textOf(1)), textOf(1), true, tokensOf(textOf(1)));
    cache.set(sampleKey(textOf(2)), textOf(2), true, tokensOf(textOf(2)));
    // Text 0 is now the most recently used, so text 1 goes first.
    expect(cache.get(sampleKey(textOf(0)), textOf(0), true)).toBe(one);
    cache.set(sampleKey(textOf(3)), textOf(3), true, tokensOf(textOf(3)));
    cache.set(sampleKey(textOf(4)), textOf(4), true, tokensOf(textOf(4)));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(cache.limit);
    expect([0, 1, 2, 3, 4].map((n) => cache.get(sampleKey(textOf(n)), textOf(n), true) !== undefined)).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  it('stays within its bound under many distinct texts', () => {
    const cache = new VectorCache(50_000);
    for (let n = 0; n < 500; n++) {
      cache.set(sampleKey(textOf(n)), textOf(n), true, tokensOf(textOf(n)));
      expect(cache.bytes).toBeLessThanOrEqual(50_000);
    }
    expect(cache.size).toBeGreaterThan(0);
  });

  it('caches nothing at a bound of 0, and empties when resized to 0', () => {
    const cache = new VectorCache();
    cache.set(sampleKey(textOf(1)), textOf(1), true, tokensOf(textOf(1)));
    cache.resize(0);
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
    cache.set(sampleKey(textOf(1)), textOf(1), true, tokensOf(textOf(1)));
    expect(cache.get(sampleKey(textOf(1)), textOf(1), true)).toBeUndefined();
  });

  it('tells apart texts whose sampled keys collide, and bounds how many share a key', () => {
    // 640 characters are sampled every 20th: texts that differ at position 5 share a key.
    const base = 'x'.repeat(640);
    const variants = 'abcdefg'.split('').map((letter) => `${base.slice(0, 5)}${letter}${base.slice(6)}`);
    expect(new Set(variants.map(sampleKey)).size).toBe(1);
    const cache = new VectorCache();
    const stored = variants.map((text) => {
      const tokens = tokensOf(text);
      cache.set(sampleKey(text), text, true, tokens);
      return tokens;
    });
    // Four share the key at most; the oldest three were dropped.
    expect(cache.size).toBe(4);
    expect(variants.map((text, n) => cache.get(sampleKey(text), text, true) === stored[n])).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it('admits a text from its second sighting on, and none at a bound of 0', () => {
    const cache = new VectorCache();
    const [first, second] = [sampleKey('alpha bravo charlie'), sampleKey('delta echo foxtrot')];
    expect(first).not.toBe(second);
    expect([cache.admits(first), cache.admits(second), cache.admits(first), cache.admits(second)]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    cache.resize(0);
    expect(cache.admits(first)).toBe(false);
  });

  it('rejects a bound that is not a non-negative integer', () => {
    expect(() => new VectorCache(-1)).toThrow(RangeError);
    expect(() => new VectorCache().resize(1.5)).toThrow(RangeError);
  });
});
