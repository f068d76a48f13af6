import { NOT_CONTENT, Vocabulary, isContentWord } from './vocabulary';

function chars(word: string): Uint16Array {
  return Uint16Array.from(word, (ch) => ch.charCodeAt(0));
}

describe('Vocabulary', () => {
  it('gives a word the same id every time and different words different ids', () => {
    const vocabulary = new Vocabulary();
    const a = vocabulary.intern(chars('alpha'), 5, 1);
    const b = vocabulary.intern(chars('beta'), 4, 2);
    expect(vocabulary.intern(chars('alpha'), 5, 1)).toBe(a);
    expect(b).not.toBe(a);
    expect(vocabulary.word(a)).toBe('alpha');
  });

  it('never merges words whose hashes collide', () => {
    const vocabulary = new Vocabulary();
    const ids = ['abc', 'abd', 'xyz', 'ab'].map((word) => vocabulary.intern(chars(word), word.length, 42));
    expect(new Set(ids).size).toBe(4);
    expect(vocabulary.intern(chars('abd'), 3, 42)).toBe(ids[1]);
  });

  it('records stems and content status once per word', () => {
    const vocabulary = new Vocabulary();
    const inherits = vocabulary.intern(chars('inherits'), 8, 3);
    const inherited = vocabulary.intern(chars('inherited'), 9, 4);
    const the = vocabulary.intern(chars('the'), 3, 5);
    expect(vocabulary.contentStems[inherits]).toBe(vocabulary.contentStems[inherited]);
    expect(vocabulary.contentWords[inherits]).not.toBe(vocabulary.contentWords[inherited]);
    expect(vocabulary.contentStems[the]).toBe(NOT_CONTENT);
  });

  it('grows past its initial capacity and starts afresh once past its bound', () => {
    const vocabulary = new Vocabulary(50_000);
    for (let n = 0; n < 60_000; n++) {
      const word = `w${n}`;
      vocabulary.intern(chars(word), word.length, n * 7919);
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
