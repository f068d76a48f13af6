import { TokenizedText } from './tokenize';
import { VerbatimIndex } from './verbatim';
import { Vocabulary } from './vocabulary';

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(
  ' ',
);

function filler(count: number, offset: number): string {
  return Array.from({ length: count }, (_, n) => `filler${offset + n}`).join(' ');
}

function match(output: string, vector: string, minTokens = 8, minContentTokens = 4) {
  const vocabulary = new Vocabulary();
  const out = new TokenizedText().tokenize(output, vocabulary, true);
  const vec = new TokenizedText().tokenize(vector, vocabulary, true);
  return new VerbatimIndex().index(out, vocabulary, { minTokens, minContentTokens }).match(vec);
}

describe('VerbatimIndex', () => {
  it('finds a shared run of exactly minTokens tokens wherever it sits in the vector', () => {
    const run = WORDS.slice(0, 8).join(' ');
    for (let before = 0; before < 10; before++) {
      const result = match(
        `${filler(5, 100)} ${run} ${filler(5, 200)}`,
        `${filler(before, 300)} ${run} ${filler(3, 400)}`,
      );
      expect(result?.outputRanges).toEqual([{ start: 5, end: 13 }]);
    }
  });

  it('ignores runs one token too short', () => {
    const run = WORDS.slice(0, 7).join(' ');
    expect(match(`${filler(5, 100)} ${run}`, `${run} ${filler(5, 300)}`)).toBeUndefined();
  });

  it('ignores runs with too few content words (stop words, formula letters)', () => {
    expect(
      match('so it is one of the most of all of them here', 'and it is one of the most of all of them too'),
    ).toBeUndefined();
    expect(match('we have P(A|B) = P(B|A) P(A) / P(B) here', 'so P(A|B) = P(B|A) P(A) / P(B) there')).toBeUndefined();
  });

  it('covers every place the output repeats the vector and measures the vector share', () => {
    const run = WORDS.slice(0, 10).join(' ');
    const result = match(`${run} ${filler(20, 0)} ${run}`, `${run} ${filler(10, 500)}`);
    expect(result?.outputRanges).toEqual([
      { start: 0, end: 10 },
      { start: 30, end: 40 },
    ]);
    expect(result?.vectorShare).toBeCloseTo(10 / 20);
  });

  it('stays exact on highly repetitive text', () => {
    const sentence = `${WORDS.slice(0, 9).join(' ')} `;
    const result = match(sentence.repeat(200), sentence.repeat(50));
    expect(result?.outputRanges).toEqual([{ start: 0, end: 1800 }]);
    expect(result?.vectorShare).toBe(1);
  });
});
