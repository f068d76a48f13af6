import { stem } from './stem';

describe('stem (Porter)', () => {
  // Examples from Porter's paper and the reference vocabulary, one or more per step.
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'ti'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['bled', 'bled'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['troubled', 'troubl'],
    ['sized', 'size'],
    ['hopping', 'hop'],
    ['falling', 'fall'],
    ['hissing', 'hiss'],
    ['failing', 'fail'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['sky', 'sky'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['rational', 'ration'],
    ['digitizer', 'digit'],
    ['vietnamization', 'vietnam'],
    ['predication', 'predic'],
    ['operator', 'oper'],
    ['feudalism', 'feudal'],
    ['decisiveness', 'decis'],
    ['hopefulness', 'hope'],
    ['callousness', 'callous'],
    ['sensitiviti', 'sensit'],
    ['sensibiliti', 'sensibl'],
    ['triplicate', 'triplic'],
    ['formative', 'form'],
    ['formalize', 'formal'],
    ['electrical', 'electr'],
    ['goodness', 'good'],
    ['revival', 'reviv'],
    ['allowance', 'allow'],
    ['inference', 'infer'],
    ['airliner', 'airlin'],
    ['adjustable', 'adjust'],
    ['defensible', 'defens'],
    ['irritant', 'irrit'],
    ['replacement', 'replac'],
    ['dependent', 'depend'],
    ['adoption', 'adopt'],
    ['homologous', 'homolog'],
    ['communism', 'commun'],
    ['activate', 'activ'],
    ['effective', 'effect'],
    ['bowdlerize', 'bowdler'],
    ['probate', 'probat'],
    ['rate', 'rate'],
    ['cease', 'ceas'],
    ['controll', 'control'],
    ['roll', 'roll'],
    ['generalizations', 'gener'],
    ['oscillators', 'oscil'],
  ];

  it.each(cases)('stems %s to %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('conflates the inflections a paraphrase uses', () => {
    expect(new Set(['inherit', 'inherits', 'inherited', 'inheriting'].map(stem))).toEqual(new Set(['inherit']));
    expect(stem('classes')).toBe(stem('class'));
  });

  it('leaves short words, digits and non-Latin words alone', () => {
    expect(stem('is')).toBe('is');
    expect(stem('1967')).toBe('1967');
    expect(stem('héritage')).toBe('héritage');
    expect(stem('')).toBe('');
  });
});
