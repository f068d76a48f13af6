import { loadDataset } from '../eval/dataset';
import { SentenceDeck, corpusSentences, seededRandom, typicalGeneration, type Generation } from '../bench/corpus';
import {
  DEFAULT_VECTOR_CACHE_BYTES,
  matchCitations,
  setVectorCacheBytes,
  vectorCacheStats,
  type Citation,
} from './index';

/** The eval set (each answer against its source) and random typical generations, with a repeated chunk. */
function generations(): Generation[] {
  const answers = loadDataset().map((answer) => ({
    output: answer.answer,
    vectors: [{ id: 'source', content: answer.source }],
  }));
  const random = seededRandom(7);
  const deck = new SentenceDeck(corpusSentences(), random);
  const typical = Array.from({ length: 60 }, () => typicalGeneration(deck, random));
  // The same chunk in many generations, with other outputs: a hit must give the same answer as a miss.
  const hot = typical[0]?.vectors[0] ?? { id: 'v', content: '' };
  const reused = typical.map((g) => ({ output: g.output, vectors: [...g.vectors, { ...hot, id: 'hot' }] }));
  return [...answers, ...typical, ...reused];
}

function matchAll(all: readonly Generation[]): Citation[][] {
  return all.map((g) => matchCitations(g.output, g.vectors));
}

describe('matchCitations with the vector cache', () => {
  afterAll(() => setVectorCacheBytes(DEFAULT_VECTOR_CACHE_BYTES));

  it('gives the same citations from cached vectors as from freshly tokenized ones', () => {
    const all = generations();
    setVectorCacheBytes(0);
    const uncached = matchAll(all);
    expect(vectorCacheStats().entries).toBe(0);
    setVectorCacheBytes(DEFAULT_VECTOR_CACHE_BYTES);
    const before = vectorCacheStats();
    // Cached from a text's second sighting, then served from the cache.
    const firstPass = matchAll(all);
    const secondPass = matchAll(all);
    const thirdPass = matchAll(all);
    expect(vectorCacheStats().hits - before.hits).toBeGreaterThan(all.length);
    expect(firstPass).toEqual(uncached);
    expect(secondPass).toEqual(uncached);
    expect(thirdPass).toEqual(uncached);
    expect(uncached.flat().length).toBeGreaterThan(100);
  });

  it('gives the same citations when the bound keeps only a few vectors', () => {
    const all = generations();
    setVectorCacheBytes(0);
    const uncached = matchAll(all);
    setVectorCacheBytes(40_000);
    expect(matchAll(all)).toEqual(uncached);
    expect(matchAll(all)).toEqual(uncached);
    expect(vectorCacheStats().bytes).toBeLessThanOrEqual(40_000);
  });
});
