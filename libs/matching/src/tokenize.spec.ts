import { normalizeText } from './normalize';
import { TokenizedText } from './tokenize';
import { Vocabulary } from './vocabulary';

function tokens(text: string, vocabulary = new Vocabulary()): { words: string[]; ranges: string[]; content: string[] } {
  const t = new TokenizedText().tokenize(text, vocabulary, true);
  const words: string[] = [];
  const ranges: string[] = [];
  for (let i = 0; i < t.count; i++) {
    words.push(vocabulary.word(t.words[i] ?? 0));
    ranges.push(text.slice(t.starts[i], t.ends[i]));
  }
  const content: string[] = [];
  for (let c = 0; c < t.contentCount; c++) content.push(words[t.contentTokens[c] ?? 0] ?? '');
  return { words, ranges, content };
}

/** Deterministic mixes of ASCII, punctuation, marks, surrogates and space-less scripts. */
function trickyTexts(): string[] {
  const pieces = [
    'Word',
    'x',
    ' ',
    ', ',
    '\u00a0',
    'e\u0301',
    '\u0301',
    'ﬁ',
    'Ａ',
    '’',
    '—',
    '😀',
    '\ud800',
    '\udc00',
    '継承',
    'ß',
    '12',
    '\n',
    'İ',
    'ǅ',
    '\u1100\u1161',
  ];
  const texts: string[] = [];
  let state = 7;
  for (let n = 0; n < 300; n++) {
    let text = '';
    for (let k = 0; k < 12; k++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      text += pieces[state % pieces.length];
    }
    texts.push(text);
  }
  return texts;
}

describe('TokenizedText', () => {
  it('yields the words of the normalized text, each mapped to its original range', () => {
    const { words, ranges } = tokens('  The  “Quick”, brown—fox!');
    expect(words).toEqual(['the', 'quick', 'brown', 'fox']);
    expect(ranges).toEqual(['The', 'Quick', 'brown', 'fox']);
  });

  it('agrees with normalizeText on tricky Unicode input', () => {
    for (const text of trickyTexts()) {
      const expected = normalizeText(text)
        .text.split(' ')
        .filter((word) => word.length > 0);
      expect(tokens(text).words).toEqual(expected);
    }
  });

  it('keeps a combining mark with the ASCII letter before it', () => {
    const { words, ranges } = tokens('cafe\u0301 noir');
    expect(words).toEqual(['café', 'noir']);
    expect(ranges).toEqual(['cafe\u0301', 'noir']);
  });

  it('keeps offsets right after astral characters and lone surrogates', () => {
    const text = '😀 alpha \ud800 beta 𝐁eta';
    const { words, ranges } = tokens(text);
    expect(words).toEqual(['alpha', 'beta', 'beta']);
    expect(ranges).toEqual(['alpha', 'beta', '𝐁eta']);
  });

  it('lists content words, leaving out stop words and lone letters or digits', () => {
    expect(tokens('The PageRank of a page is 0 or P(A) at most').content).toEqual(['pagerank', 'page']);
  });

  it('handles long tokens and many tokens', () => {
    const long = 'a'.repeat(5000);
    expect(tokens(`${long} b`).words).toEqual([long, 'b']);
    const many = 'w '.repeat(10_000);
    expect(tokens(many).words).toHaveLength(10_000);
  });

  it('reuses its buffers: a second text replaces the first', () => {
    const vocabulary = new Vocabulary();
    const t = new TokenizedText();
    t.tokenize('one two three four', vocabulary, true);
    t.tokenize('five', vocabulary, true);
    expect(t.count).toBe(1);
    expect(vocabulary.word(t.words[0] ?? 0)).toBe('five');
  });
});
