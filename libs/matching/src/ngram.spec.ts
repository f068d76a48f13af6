import { NgramIndex, type NgramOptions } from './ngram';
import { TokenizedText } from './tokenize';
import { Vocabulary } from './vocabulary';

const OPTIONS: NgramOptions = { size: 2, span: 3, minNats: 0, windowTokens: 100, minEvidence: 0, passageTokens: 300 };
const VECTOR = 'alpha bravo charlie delta echo foxtrot golf hotel';
/** Forty content words found in no vector: they make an output long enough to hold a window. */
const FILLER = Array.from({ length: 40 }, (_, n) => `filler${n}`).join(' ');

function score(output: string, vector: string, options: Partial<NgramOptions> = {}) {
  const vocabulary = new Vocabulary();
  const out = new TokenizedText().tokenize(output, vocabulary, true);
  const vec = new TokenizedText().tokenize(vector, vocabulary, true);
  return new NgramIndex().build(out, vocabulary.stemCount, { ...OPTIONS, ...options }).score(vec, vocabulary.stemCount);
}

/** −ln P(at least one chance occurrence) for a Poisson rate λ. */
function nats(lambda: number): number {
  return -Math.log(-Math.expm1(-lambda));
}

describe('NgramIndex', () => {
  it('weighs a shared pair by how unlikely it is to occur by chance in the vector', () => {
    // Vector: both words once among 8 content words, span 3 → λ = 3·1·1/8.
    expect(score(`alpha bravo ${FILLER}`, VECTOR)?.evidence).toBeCloseTo(nats(3 / 8));
  });

  it('…and in the output: a short output forms pairs by chance more easily', () => {
    // Output of 2 content words: λ = 3·1·1/2 outweighs the vector's 3/8.
    expect(score('alpha bravo', VECTOR)?.evidence).toBeCloseTo(nats(3 / 2));
  });

  it('matches inflected forms through their stems and skips stop words', () => {
    const result = score(
      `the classes inherited ${FILLER}`,
      'a class inherits from the other classes of objects here now',
    );
    expect(result?.evidence).toBeGreaterThan(0);
  });

  it('lets one word sit between the paired words (span), but keeps their order', () => {
    expect(score(`alpha inserted bravo ${FILLER}`, VECTOR)?.evidence).toBeCloseTo(nats(3 / 8));
    expect(score(`bravo alpha ${FILLER}`, VECTOR)).toBeUndefined();
  });

  it('gives words either text repeats everywhere almost no weight', () => {
    const rare = score(
      `page link ${FILLER}`,
      'page link alpha bravo charlie delta echo foxtrot golf hotel india juliet',
    );
    const repeatedInVector = score(`page link ${FILLER}`, 'page link '.repeat(8));
    const repeatedInOutput = score(
      `${'page link '.repeat(8)}${FILLER}`,
      'page link alpha bravo charlie delta echo foxtrot',
    );
    expect(rare?.evidence ?? 0).toBeGreaterThan(1);
    expect(repeatedInVector?.evidence ?? 0).toBeLessThan(0.01);
    expect(repeatedInOutput?.evidence ?? 0).toBeLessThan(0.1);
  });

  it('counts a distinct pair once, at its first occurrence', () => {
    const once = score(`alpha bravo ${FILLER}`, VECTOR)?.evidence ?? 0;
    const twice = score(`alpha bravo ${FILLER} alpha bravo`, VECTOR)?.evidence ?? 0;
    expect(twice).toBeGreaterThan(0);
    expect(twice).toBeLessThanOrEqual(once);
  });

  it('sums evidence over a window of the output, not over the whole output', () => {
    const vector = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima';
    const near = score(`alpha bravo charlie delta ${FILLER}`, vector, { windowTokens: 10 })?.evidence ?? 0;
    const apart = score(`alpha bravo ${FILLER} charlie delta`, vector, { windowTokens: 10 })?.evidence ?? 0;
    expect(apart).toBeLessThan(near);
    expect(apart).toBeCloseTo(nats(3 / 10), 5);
  });

  it('reports nothing for unrelated text or below the cut-off', () => {
    expect(score(`completely different words here ${FILLER}`, VECTOR)).toBeUndefined();
    expect(score(`alpha bravo ${FILLER}`, VECTOR, { minEvidence: 5 })).toBeUndefined();
  });

  it('supports longer n-grams', () => {
    const vector = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet';
    // alpha-bravo-charlie: λ = span² · 1·1·1 / L² with L = 10 content words.
    expect(score(`alpha bravo charlie ${FILLER}`, vector, { size: 3 })?.evidence).toBeCloseTo(nats(9 / 100));
  });
});
