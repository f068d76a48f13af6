import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureEvidence } from './evidence';
import { matchCitations, type Citation, type VectorInput } from './index';

const TEXTS = join(__dirname, '..', 'testdata', 'clough-stevenson-2011', 'texts');
const INHERITANCE = readFileSync(join(TEXTS, 'orig_taska.txt'), 'utf8');
const PAGERANK = readFileSync(join(TEXTS, 'orig_taskb.txt'), 'utf8');
const paraphraseOfPageRank =
  'Google’s search engine relies on PageRank, a link analysis algorithm that gives every document in a hyperlinked collection such as the World Wide Web a numerical weight measuring how important it is within the set. ' +
  'The algorithm works for any collection of entities that quote and reference each other. The PageRank of an element E is written PR(E). ' +
  'PageRank results from a ballot among the other pages of the web: each hyperlink pointing at a page is counted as a supporting vote, and a page linked by many high-ranked pages gets a high rank too. ' +
  'Google gives each page a number from 0 to 10 on a logarithmic scale, as with the Richter scale, based on the quantity of inbound links and the PageRank of the pages that provide them.';
const QUOTE =
  'The new classes, known as derived classes, take over (or inherit) attributes and behavior of the pre-existing classes';

function cite(output: string, vectors: VectorInput[]): Citation[] {
  return matchCitations(output, vectors);
}

function expectWellFormedSpans(citation: Citation, output: string): void {
  let previousEnd = -1;
  for (const span of citation.spans) {
    expect(Number.isInteger(span.start) && Number.isInteger(span.end)).toBe(true);
    expect(span.start).toBeGreaterThanOrEqual(0);
    expect(span.end).toBeLessThanOrEqual(output.length);
    expect(span.start).toBeLessThan(span.end);
    // Sorted and merged: each span starts after the previous one ends (not even touching).
    expect(span.start).toBeGreaterThan(previousEnd);
    previousEnd = span.end;
  }
}

describe('matchCitations: verbatim tier', () => {
  it.each([
    [
      'changed whitespace',
      'The new   classes,\n known as derived\tclasses, take over (or inherit)  attributes and behavior of the pre-existing classes',
    ],
    ['changed case', QUOTE.toUpperCase()],
    [
      'changed punctuation',
      'The new classes known as derived classes — take over or inherit: attributes and behavior of the pre existing classes',
    ],
    [
      'fullwidth letters',
      'Ｔｈｅ ｎｅｗ ｃｌａｓｓｅｓ, known as derived classes, take over (or inherit) attributes and behavior',
    ],
    [
      'ligatures',
      'An advantage of inheritance is that modules with suﬃciently similar interfaces can share a lot of code, ﬁne',
    ],
    [
      'NBSP and curly quotes',
      'For\u00a0instance, a “fruit” is a generalization of ‘apple’, “orange”, “mango” and many others.',
    ],
  ])('cites a quote with %s', (_case, output) => {
    const [citation] = cite(`Here is what I found. ${output}`, [{ id: 'inheritance', content: INHERITANCE }]);
    expect(citation?.tier).toBe('verbatim');
    expect(citation?.vectorId).toBe('inheritance');
  });

  it('points the spans exactly at a verbatim sentence inside a long output', () => {
    const before = 'Ｌｏｎｇ preamble “with” ﬁddly Unicode — about gardening, tomatoes and soil. '.repeat(40);
    const after = ' Then more unrelated text follows about weather and rain. '.repeat(40);
    const sentence = 'It is intended to help reuse existing code with little or no modification';
    const output = `${before}${sentence}.${after}`;
    const [citation] = cite(output, [{ id: 'inheritance', content: INHERITANCE }]);
    expect(citation?.tier).toBe('verbatim');
    expect(citation?.spans).toEqual([{ start: before.length, end: before.length + sentence.length }]);
    expect(output.slice(citation?.spans[0]?.start, citation?.spans[0]?.end)).toBe(sentence);
  });

  it('reports the share of the vector that was copied as the score', () => {
    const [whole] = cite(INHERITANCE, [{ id: 'v', content: INHERITANCE }]);
    expect(whole?.score).toBe(1);
    const [part] = cite(QUOTE, [{ id: 'v', content: INHERITANCE }]);
    expect(part?.score).toBeGreaterThan(0);
    expect(part?.score).toBeLessThan(0.2);
  });
});

describe('matchCitations: n-gram tier', () => {
  const paraphrase =
    'In OOP, inheritance lets you build new classes out of classes that were defined before; the idea dates from Simula in 1967. ' +
    'Derived classes inherit the behaviour and the attributes of their base classes, also called ancestor classes, which helps reusing code with few or no changes. ' +
    'Categorization is a powerful information processing mechanism and crucial to how humans learn through generalization, and cognitive economy means less information has to be stored about each entity. ' +
    'Because is-a relationships form a hierarchy between classes of objects, inheritance is sometimes called generalization: fruit generalizes apple, orange and mango, so apples inherit the properties common to all fruit.';

  it('cites a paraphrase that shares no long run', () => {
    const [citation] = cite(paraphrase, [{ id: 'inheritance', content: INHERITANCE }]);
    expect(citation?.tier).toBe('ngram');
    expect(citation?.score).toBeGreaterThanOrEqual(33);
    if (citation) expectWellFormedSpans(citation, paraphrase);
  });

  it('places paraphrase spans inside the paraphrase when unrelated text surrounds it', () => {
    const padding =
      'Tomatoes want full sun, steady watering and rich, well-drained soil; mulch keeps roots cool. '.repeat(15);
    const output = `${padding}${paraphrase} ${padding}`;
    const [citation] = cite(output, [{ id: 'inheritance', content: INHERITANCE }]);
    expect(citation?.tier).toBe('ngram');
    if (!citation) return;
    expectWellFormedSpans(citation, output);
    for (const span of citation.spans) {
      expect(span.start).toBeGreaterThanOrEqual(padding.length);
      expect(span.end).toBeLessThanOrEqual(padding.length + paraphrase.length);
    }
  });

  it('does not cite a chunk that shares only stop words', () => {
    const output = 'It is what it is, and they were there for all of us, but which of them would have been the one?';
    const vector =
      'It was there that they had been, and it is all of the ones which would be for us, but not for them.';
    expect(cite(output, [{ id: 'v', content: vector }])).toEqual([]);
  });

  it('does not cite a chunk that is merely about the same topic', () => {
    const output =
      'PageRank ranks web pages by links. A page linked from many important pages is important itself, and Google computes the ranks iteratively. ' +
      'Search engines combine the PageRank of a page with the words on the page; link farms try to game the links, and Google fights spam.';
    expect(cite(output, [{ id: 'pagerank', content: PAGERANK }])).toEqual([]);
  });
});

describe('matchCitations: edge cases', () => {
  it('returns nothing for an empty output, empty vectors or no vectors', () => {
    expect(cite('', [{ id: 'v', content: INHERITANCE }])).toEqual([]);
    expect(cite('   \n\t  ', [{ id: 'v', content: INHERITANCE }])).toEqual([]);
    expect(cite(INHERITANCE, [{ id: 'v', content: '' }])).toEqual([]);
    expect(cite(INHERITANCE, [])).toEqual([]);
  });

  it('orders citations by the input order of the vectors and cites a repeated id once', () => {
    const vectors = [
      { id: 'z-pagerank', content: PAGERANK },
      { id: 'unused', content: 'Tomatoes need sun, water and well-drained soil to grow.' },
      { id: 'a-inheritance', content: INHERITANCE },
      { id: 'z-pagerank', content: PAGERANK },
    ];
    const output = `${INHERITANCE}\n${PAGERANK}`;
    expect(cite(output, vectors).map((c) => c.vectorId)).toEqual(['z-pagerank', 'a-inheritance']);
    expect(cite(output, [...vectors].reverse()).map((c) => c.vectorId)).toEqual(['z-pagerank', 'a-inheritance']);
  });

  it('is deterministic, whatever was matched before', () => {
    const output = `${QUOTE}. Google ranks pages by links from other important pages, a ballot among all pages on the web.`;
    const vectors = [
      { id: 'a', content: INHERITANCE },
      { id: 'b', content: PAGERANK },
    ];
    const first = JSON.stringify(cite(output, vectors));
    cite('Completely different words: zebra, xylophone, quasar, nebula, fjord.', [
      { id: 'x', content: 'zebra quasar' },
    ]);
    for (let n = 0; n < 5; n++) expect(JSON.stringify(cite(output, vectors))).toBe(first);
  });

  it('does not depend on word ids (a fresh vocabulary gives the same evidence)', () => {
    // matchCitations interns into a long-lived vocabulary; measureEvidence starts a new one each call.
    const [citation] = cite(paraphraseOfPageRank, [{ id: 'v', content: PAGERANK }]);
    expect(citation?.tier).toBe('ngram');
    expect(citation?.score).toBe(measureEvidence(paraphraseOfPageRank, PAGERANK).evidence);
  });

  it('rejects malformed input', () => {
    expect(() => matchCitations(42 as unknown as string, [])).toThrow(TypeError);
    expect(() => matchCitations('x', [{ id: 1, content: 'y' } as unknown as VectorInput])).toThrow(/vectors\[0\]\.id/);
    expect(() => matchCitations('x', [], { verbatimMinTokens: 0 })).toThrow(RangeError);
  });

  it('handles the largest inputs (32,000-char output, 200 vectors of 16 KB) with spans in bounds', () => {
    const sentences = `${INHERITANCE}\n${PAGERANK}`.split(/(?<=[.!?])\s+/);
    const build = (length: number, seed: number): string => {
      let text = '';
      for (let n = seed; text.length < length; n++) text += `${sentences[(n * 7) % sentences.length]} `;
      return text.slice(0, length);
    };
    const output = build(32_000, 1);
    const vectors = Array.from({ length: 200 }, (_, n) => ({ id: `v${n}`, content: build(16_384, n * 13) }));
    const citations = cite(output, vectors);
    expect(citations).toHaveLength(200);
    for (const citation of citations) expectWellFormedSpans(citation, output);
  });
});
