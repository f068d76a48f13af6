import { matchCitations, vectorCacheStats } from './index';

// Its own file, so that the module's vocabulary starts empty: the chunk's words get the first ids.
describe('matchCitations when its vocabulary starts afresh', () => {
  it('drops cached vectors, whose word ids belonged to the old vocabulary', () => {
    const chunk = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima';
    // Cached from its second sighting.
    expect(matchCitations(chunk, [{ id: 'chunk', content: chunk }])).toHaveLength(1);
    expect(matchCitations(chunk, [{ id: 'chunk', content: chunk }])).toHaveLength(1);
    expect(vectorCacheStats().entries).toBe(1);
    // Past the vocabulary's bound of 2^20 words; the next call starts a fresh one.
    const manyWords = Array.from({ length: (1 << 20) + 1 }, (_, n) => `x${n}`).join(' ');
    expect(matchCitations(manyWords, [])).toEqual([]);
    // In the fresh vocabulary these words take the ids the chunk's words had: a stale cached
    // chunk would look like a verbatim copy of this unrelated text.
    const unrelated = 'uno dos tres cuatro cinco seis siete ocho nueve diez once doce';
    expect(matchCitations(unrelated, [{ id: 'chunk', content: chunk }])).toEqual([]);
    expect(vectorCacheStats().entries).toBe(1);
  });
});
