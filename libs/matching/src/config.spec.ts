import { DEFAULT_MATCHER_CONFIG, MATCHER_VERSION, resolveMatcherConfig } from './config';

describe('resolveMatcherConfig', () => {
  it('fills unset keys from the defaults', () => {
    expect(resolveMatcherConfig({ ngramMinEvidence: 30 })).toEqual({ ...DEFAULT_MATCHER_CONFIG, ngramMinEvidence: 30 });
    expect(resolveMatcherConfig({ ngramSpan: undefined })).toEqual(DEFAULT_MATCHER_CONFIG);
  });

  it('rejects values the algorithm cannot honour', () => {
    expect(() => resolveMatcherConfig({ verbatimMinTokens: 0 })).toThrow(/verbatimMinTokens/);
    expect(() => resolveMatcherConfig({ ngramSize: 2.5 })).toThrow(/ngramSize/);
    expect(() => resolveMatcherConfig({ ngramMinEvidence: Number.NaN })).toThrow(/ngramMinEvidence/);
    expect(() => resolveMatcherConfig({ stemming: 'yes' as unknown as boolean })).toThrow(/stemming/);
  });

  it('keeps the defaults frozen', () => {
    expect(Object.isFrozen(DEFAULT_MATCHER_CONFIG)).toBe(true);
  });

  // Downstream ids derive from MATCHER_VERSION: changing a default without bumping it would make
  // different results look like repeats. Update both lines together.
  it('pins the defaults to the version', () => {
    expect({ version: MATCHER_VERSION, defaults: DEFAULT_MATCHER_CONFIG }).toEqual({
      version: 'cairn-matcher/1.0.0',
      defaults: {
        verbatimMinTokens: 8,
        verbatimMinContentTokens: 4,
        ngramSize: 2,
        ngramSpan: 3,
        ngramMinNats: 1,
        ngramPassageTokens: 300,
        ngramWindowTokens: 100,
        ngramMinEvidence: 33,
        stemming: true,
      },
    });
  });
});
