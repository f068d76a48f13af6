import { NOT_CONTENT, Vocabulary, isContentWord } from './vocabulary';

function chars(word: string): Uint16Array {
  return Uint16Array.from(word, (ch) => ch.charCodeAt(0));
}

describe('Vocabulary', () => {
  it('gives a word the same id every time and different words different ids', () => {
    const vocabulary = new Vocabulary();
    const a = vocabulary.intern(chars('alpha'), 5);
    const b = vocabulary.intern(chars('beta'), 4);
    expect(vocabulary.intern(chars('alpha'), 5)).toBe(a);
    expect(b).not.toBe(a);
    expect(vocabulary.word(a)).toBe('alpha');
  });

  it('never merges words whose hashes collide', () => {
    const vocabulary = new Vocabulary();
    // Long words are keyed by FNV-1a, and these two share it.
    const ids = ['inheritance5uzx', 'inheritanceg2ad'].map((word) => vocabulary.intern(chars(word), word.length));
    expect(new Set(ids).size).toBe(2);
    expect(vocabulary.intern(chars('inheritanceg2ad'), 15)).toBe(ids[1]);
    expect(vocabulary.word(ids[1] ?? 0)).toBe('inheritanceg2ad');
  });

  it('gives a word read from UTF-8 bytes the id it has as characters', () => {
    const vocabulary = new Vocabulary();
    for (const word of ['pagerank', 'p', 'abcdefghi', 'inheritance5uzx']) {
      const bytes = new TextEncoder().encode(word.toUpperCase());
      let low = 0;
      let high = 0;
      for (const byte of bytes) {
        high = (high << 8) | (low >>> 24);
        low = (low << 8) | byte | 0x20;
      }
      const fromBytes = vocabulary.internAscii(bytes, 0, bytes.length, low, high);
      expect(vocabulary.intern(chars(word), word.length)).toBe(fromBytes);
      expect(vocabulary.word(fromBytes)).toBe(word);
    }
    expect(vocabulary.size).toBe(4);
  });

  it('records stems and content status once per word', () => {
    const vocabulary = new Vocabulary();
    const inherits = vocabulary.intern(chars('inherits'), 8);
    const inherited = vocabulary.intern(chars('inherited'), 9);
    const the = vocabulary.intern(chars('the'), 3);
    expect(vocabulary.contentStems[inherits]).toBe(vocabulary.contentStems[inherited]);
    expect(vocabulary.contentWords[inherits]).not.toBe(vocabulary.contentWords[inherited]);
    expect(vocabulary.contentStems[the]).toBe(NOT_CONTENT);
  });

  it('grows past its initial capacity and starts afresh once past its bound', () => {
    const vocabulary = new Vocabulary(50_000);
    for (let n = 0; n < 60_000; n++) {
      const word = `w${n}`;
      vocabulary.intern(chars(word), word.length);
    }
    expect(vocabulary.size).toBe(60_000);
    expect(vocabulary.word(59_999)).toBe('w59999');
    vocabulary.trim();
    expect(vocabulary.size).toBe(0);
  });

  it('treats stop words and lone ASCII letters or digits as non-content', () => {
    expect(isContentWord('the')).toBe(false);
    expect(isContentWord('p')).toBe(false);
    expect(isContentWord('7')).toBe(false);
    expect(isContentWord('継')).toBe(true);
    expect(isContentWord('pagerank')).toBe(true);
  });
});
