import {
  findString,
  outputText,
  queryText,
  recognizedDocuments,
  requestedCount,
  retrievalDocuments,
  usageFrom,
} from './extract';
import { sha256Hex } from './ids';

describe('outputText', () => {
  it.each([
    ['a string', 'Paris', 'Paris'],
    ['content', { content: 'Paris' }, 'Paris'],
    ['text', { text: 'Paris' }, 'Paris'],
    ['completion', { completion: 'Paris' }, 'Paris'],
    ['answer', { answer: 'Paris' }, 'Paris'],
    ['a nested output', { output: { content: 'Paris' } }, 'Paris'],
    ['OpenAI chat choices', { choices: [{ message: { role: 'assistant', content: 'Paris' } }] }, 'Paris'],
    ['OpenAI completion choices', { choices: [{ text: 'Paris' }] }, 'Paris'],
    ['a message', { message: { content: 'Paris' } }, 'Paris'],
    [
      'content blocks',
      {
        content: [
          { type: 'text', text: 'Par' },
          { type: 'text', text: 'is' },
        ],
      },
      'Paris',
    ],
    ['bare content blocks', [{ type: 'text', text: 'Paris' }], 'Paris'],
  ])('reads %s', (_shape, output, text) => {
    expect(outputText(output)).toBe(text);
  });

  it.each([
    ['empty text', ''],
    ['a number', 42],
    ['an object without text', { finish_reason: 'stop' }],
    ['null', null],
    ['an empty choice list', { choices: [] }],
  ])('finds none in %s', (_shape, output) => {
    expect(outputText(output)).toBeUndefined();
  });
});

describe('retrievalDocuments', () => {
  it('reads a bare list with ids, contents and scores, with their paths', () => {
    expect(retrievalDocuments([{ id: 'a', content: 'A', score: 0.5 }], 'output')).toEqual({
      path: 'output',
      documents: [{ id: 'a', idPath: 'output[0].id', content: 'A', contentPath: 'output[0].content', score: 0.5 }],
      skipped: 0,
    });
  });

  it('derives ids for strings and documents without one', () => {
    expect(retrievalDocuments({ documents: ['chunk'] }, 'out').documents).toEqual([
      { id: `sha256:${sha256Hex('chunk')}`, content: 'chunk', contentPath: 'out.documents[0]' },
    ]);
  });

  it('reads LangChain, Pinecone and OpenInference shapes', () => {
    const langchain = { lc: 1, type: 'constructor', kwargs: { page_content: 'LC', metadata: { id: 'lc-1' } } };
    expect(retrievalDocuments([langchain], 'o').documents[0]).toMatchObject({ id: 'lc-1', content: 'LC' });
    const pinecone = { matches: [{ id: 'p-1', score: 0.8, metadata: { text: 'PC' } }] };
    expect(retrievalDocuments(pinecone, 'o').documents[0]).toMatchObject({ id: 'p-1', content: 'PC', score: 0.8 });
    const openInference = { 'retrieval.documents': [{ document: { id: 'oi-1', content: 'OI' }, score: 0.3 }] };
    expect(retrievalDocuments(openInference, 'o').documents[0]).toMatchObject({
      id: 'oi-1',
      content: 'OI',
      score: 0.3,
    });
    const wrapped = { result: { docs: [{ doc_id: 7, text: 'W' }] } };
    expect(retrievalDocuments(wrapped, 'o')).toMatchObject({ path: 'o.result.docs', documents: [{ id: '7' }] });
  });

  it('finds no documents where there is no list', () => {
    expect(retrievalDocuments({ status: 'ok' }, 'o')).toEqual({ path: 'o', documents: [], skipped: 0 });
    expect(retrievalDocuments(undefined, 'o')).toEqual({ path: 'o', documents: [], skipped: 0 });
  });

  it('skips and counts items that are not documents', () => {
    const list = retrievalDocuments({ documents: [{ id: 'a', content: 'A' }, 42, { title: 'no text' }] }, 'o');
    expect(list).toMatchObject({ path: 'o.documents', documents: [{ id: 'a' }], skipped: 2 });
  });
});

describe('recognizedDocuments', () => {
  it('accepts only non-empty lists whose every item has an id and a content or score', () => {
    expect(recognizedDocuments({ results: [{ id: 'a', text: 'A' }] }, 'o')?.documents).toHaveLength(1);
    expect(recognizedDocuments({ results: [{ id: 'a', score: 1 }] }, 'o')?.documents).toHaveLength(1);
    expect(recognizedDocuments({ results: [] }, 'o')).toBeUndefined();
    expect(recognizedDocuments({ results: [{ id: 'a', name: 'user' }] }, 'o')).toBeUndefined();
    expect(recognizedDocuments({ results: [{ id: 'a', text: 'A' }, { text: 'B' }] }, 'o')).toBeUndefined();
    expect(recognizedDocuments(['plain', 'strings'], 'o')).toBeUndefined();
  });
});

describe('queryText and requestedCount', () => {
  it('reads the query from a string or a query-like field', () => {
    expect(queryText('reset password')).toBe('reset password');
    expect(queryText({ question: 'why?', top_k: 3 })).toBe('why?');
    expect(queryText({ messages: [] })).toBeUndefined();
    expect(queryText('')).toBeUndefined();
  });

  it('reads how many results were asked for', () => {
    expect(requestedCount({ top_k: 3 })).toBe(3);
    expect(requestedCount({ k: -1 })).toBeUndefined();
    expect(requestedCount('k=3')).toBeUndefined();
  });
});

describe('usageFrom', () => {
  it('reads token counts and cost, first source first, ignoring values that are not counts', () => {
    expect(
      usageFrom(
        { prompt_tokens: 10, completion_tokens: 2.5, cost: -1 },
        { usage: { completion_tokens: 3, cost: 0.1 } },
      ),
    ).toEqual({ inputTokens: 10, outputTokens: 3, cost: 0.1 });
    expect(usageFrom(undefined, 'x')).toEqual({});
  });
});

describe('findString', () => {
  it('finds the first non-empty string under the keys, with its path', () => {
    const sources = [
      { value: { collection: '' }, path: 'metadata' },
      { value: { index: 'kb' }, path: 'config' },
    ];
    expect(findString(sources, ['collectionId', 'collection', 'index'])).toEqual({ value: 'kb', path: 'config.index' });
  });
});
