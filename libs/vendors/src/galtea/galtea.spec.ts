import { GALTEA_TRACE_TYPES, normalizeGaltea } from './galtea';
import { CONTEXT, errorPaths, expectNormalized, fixture, NOW } from '../../test/normalized';
import { sha256Hex, spanEventId } from '../ids';

const seedRequest = fixture(__dirname, 'traces-batch.request.json');
const seedResponse = fixture(__dirname, 'traces-batch.response.json');
const at = '2026-04-18T14:22:18.015Z';

const trace = (fields: Record<string, unknown> = {}) => ({ inferenceResultId: 'ir_1', name: 'step', ...fields });

describe('normalizeGaltea', () => {
  it('accepts the seed example (a bare array) and maps it field by field', () => {
    const result = expectNormalized(normalizeGaltea(seedRequest, CONTEXT));
    expect(result.spans).toEqual([
      {
        source: 'galtea',
        traceId: 'ir_123',
        spanId: 'id_123',
        parentSpanId: '<string>',
        kind: 'span',
        name: '<string>',
        input: {},
        output: {},
        startTime: '2023-11-07T05:31:56.000Z',
        endTime: '2023-11-07T05:31:56.000Z',
        // The reported latency wins over end − start (0 here).
        latencyMs: 123,
        error: 'Error message',
        metadata: { 'galtea.type': 'SPAN', 'galtea.description': 'Example Name' },
        originalIds: { id: 'id_123', inferenceResultId: 'ir_123', parentTraceId: '<string>' },
      },
    ]);
    expect(result.retrievals).toEqual([]);
    expect(result.generations).toEqual([]);
    expect(result.events.map((event) => event.id)).toEqual([spanEventId('org_test', 'galtea', 'ir_123', 'id_123')]);
    expect(result.response).toEqual([
      {
        id: 'id_123',
        inferenceResultId: 'ir_123',
        name: '<string>',
        type: 'SPAN',
        description: 'Example Name',
        inputData: {},
        outputData: {},
        error: 'Error message',
        latencyMs: 123,
        metadata: {},
        parentTraceId: '<string>',
        startTime: '2023-11-07T05:31:56.000Z',
        endTime: '2023-11-07T05:31:56.000Z',
        createdAt: NOW.toISOString(),
        deletedAt: null,
      },
    ]);
  });

  it('answers each created trace with the keys of the documented response', () => {
    const result = expectNormalized(normalizeGaltea(seedRequest, CONTEXT));
    const documented = (seedResponse as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(result.response[0] ?? {}).sort()).toEqual(Object.keys(documented).sort());
  });

  it('accepts the SDK shape {traces: [...]} the same way', () => {
    const bare = expectNormalized(normalizeGaltea(seedRequest, CONTEXT));
    const wrapped = expectNormalized(normalizeGaltea({ traces: seedRequest }, CONTEXT));
    expect(wrapped).toEqual(bare);
  });

  it('builds one tree per inference result and derives its retrieval and generation', () => {
    const body = {
      traces: [
        trace({ id: 'agent', type: 'AGENT', name: 'answer_question', startTime: at }),
        trace({
          id: 'search',
          type: 'RETRIEVER',
          name: 'vector_search',
          parentTraceId: 'agent',
          inputData: { query: 'How long do reset links last?', top_k: 2 },
          outputData: {
            documents: [
              { id: 'kb-1', content: 'Reset links expire after 24 hours.', score: 0.93 },
              { id: 'kb-2', content: 'Request a new link from the sign-in page.', score: 0.71 },
            ],
          },
          metadata: { collection_id: 'kb-articles' },
          latencyMs: 45.5,
          startTime: '2026-04-18T14:22:18.020Z',
        }),
        trace({
          id: 'llm',
          type: 'GENERATION',
          name: 'chat',
          parentTraceId: 'agent',
          inputData: { messages: [{ role: 'user', content: 'How long do reset links last?' }] },
          outputData: { choices: [{ message: { role: 'assistant', content: 'They expire after 24 hours.' } }] },
          metadata: { model: 'gpt-4', input_tokens: 30, output_tokens: 7, cost: 0.001 },
          startTime: '2026-04-18T14:22:18.100Z',
          endTime: '2026-04-18T14:22:19.000Z',
        }),
      ],
    };
    const result = expectNormalized(normalizeGaltea(body, CONTEXT));
    expect(result.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId, span.kind])).toEqual([
      ['ir_1', 'agent', undefined, 'agent'],
      ['ir_1', 'search', 'agent', 'retrieval'],
      ['ir_1', 'llm', 'agent', 'generation'],
    ]);
    expect(result.spans[2]).toMatchObject({
      model: 'gpt-4',
      inputTokens: 30,
      outputTokens: 7,
      cost: 0.001,
      latencyMs: 900,
    });
    expect(result.retrievals).toEqual([
      {
        clientEventId: 'galtea:ir_1:search',
        source: 'galtea',
        collectionId: 'kb-articles',
        query: { text: 'How long do reset links last?' },
        results: [
          { id: 'kb-1', score: 0.93, content: 'Reset links expire after 24 hours.' },
          { id: 'kb-2', score: 0.71, content: 'Request a new link from the sign-in page.' },
        ],
        latencyMs: 46,
        kReturned: 2,
        kRequested: 2,
        timestamp: '2026-04-18T14:22:18.020Z',
        parentQueryId: 'agent',
        traceId: 'ir_1',
        spanId: 'search',
      },
    ]);
    expect(result.generations).toEqual([
      {
        clientEventId: 'galtea:ir_1:llm',
        source: 'galtea',
        output: { text: 'They expire after 24 hours.' },
        latencyMs: 900,
        timestamp: '2026-04-18T14:22:19.000Z',
        runId: 'llm',
        parentRunId: 'agent',
        traceId: 'ir_1',
        spanId: 'llm',
        model: 'gpt-4',
        promptTokens: 30,
        completionTokens: 7,
      },
    ]);
  });

  it('anchors top-level retrievals and generations on the inference result, so they correlate', () => {
    const body = [
      trace({ id: 'r', type: 'RETRIEVER', outputData: { results: [{ id: 'v', text: 'chunk', score: 1 }] } }),
      trace({ id: 'g', type: 'GENERATION', outputData: { content: 'answer' } }),
    ];
    const result = expectNormalized(normalizeGaltea(body, CONTEXT));
    expect(result.retrievals[0]?.parentQueryId).toBe('ir_1');
    expect(result.generations[0]?.parentRunId).toBe('ir_1');
    expect(result.retrievals[0]?.collectionId).toBe('default');
  });

  it('records a retriever without recognizable documents as an empty retrieval', () => {
    const result = expectNormalized(
      normalizeGaltea([trace({ type: 'RETRIEVER', outputData: { status: 'ok' } })], CONTEXT),
    );
    expect(result.retrievals[0]).toMatchObject({ results: [], kReturned: 0, query: {} });
  });

  it('keeps the documents of a retriever list and counts the items that are not documents', () => {
    const body = [trace({ type: 'RETRIEVER', outputData: { documents: [{ id: 'a', content: 'A' }, { url: 'x' }] } })];
    const result = expectNormalized(normalizeGaltea(body, CONTEXT));
    expect(result.retrievals[0]).toMatchObject({
      results: [{ id: 'a', score: 0, content: 'A' }],
      kReturned: 1,
      metadata: { unrecognizedResults: 1 },
    });
  });

  it('gives documents without an id a content-derived one', () => {
    const body = [
      trace({
        type: 'RETRIEVER',
        outputData: { documents: [{ page_content: 'Chunk text', metadata: { source: 'a.md' } }] },
      }),
    ];
    const result = expectNormalized(normalizeGaltea(body, CONTEXT));
    expect(result.retrievals[0]?.results).toEqual([
      { id: `sha256:${sha256Hex('Chunk text')}`, score: 0, content: 'Chunk text' },
    ]);
  });

  it('maps every Galtea type to a span kind', () => {
    const body = GALTEA_TRACE_TYPES.map((type, index) => trace({ id: `t${index}`, type }));
    const result = expectNormalized(normalizeGaltea(body, CONTEXT));
    expect(Object.fromEntries(result.spans.map((span, index) => [GALTEA_TRACE_TYPES[index], span.kind]))).toEqual({
      SPAN: 'span',
      GENERATION: 'generation',
      EVENT: 'event',
      AGENT: 'agent',
      TOOL: 'tool',
      CHAIN: 'chain',
      RETRIEVER: 'retrieval',
      EVALUATOR: 'evaluator',
      EMBEDDING: 'embedding',
      // No canonical guardrail kind: a plain span that keeps its Galtea type.
      GUARDRAIL: 'span',
    });
    expect(result.spans[9]?.metadata).toEqual({ 'galtea.type': 'GUARDRAIL' });
  });

  it('accepts a trace with only the required fields, answering nulls and empty objects', () => {
    const result = expectNormalized(normalizeGaltea([trace({ description: null, type: null, error: null })], CONTEXT));
    const id = result.response[0]?.id ?? '';
    expect(result.spans).toEqual([
      {
        source: 'galtea',
        traceId: 'ir_1',
        spanId: id,
        kind: 'span',
        name: 'step',
        startTime: NOW.toISOString(),
        originalIds: { id, inferenceResultId: 'ir_1' },
      },
    ]);
    expect(result.response).toEqual([
      {
        id,
        inferenceResultId: 'ir_1',
        name: 'step',
        type: null,
        description: null,
        inputData: {},
        outputData: {},
        error: null,
        latencyMs: null,
        metadata: {},
        parentTraceId: null,
        startTime: null,
        endTime: null,
        createdAt: NOW.toISOString(),
        deletedAt: null,
      },
    ]);
  });

  it('derives missing ids from content and position: a resend answers the same ids', () => {
    const body = [trace(), trace()];
    const first = expectNormalized(normalizeGaltea(body, CONTEXT));
    const again = expectNormalized(normalizeGaltea(structuredClone(body), CONTEXT));
    const ids = first.response.map((created) => created.id);
    expect(new Set(ids).size).toBe(2);
    expect(again.response.map((created) => created.id)).toEqual(ids);
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
  });

  it('keeps undocumented fields as galtea.<field> metadata, not in the answer', () => {
    const result = expectNormalized(normalizeGaltea([trace({ id: 'x', sessionTag: 'blue' })], CONTEXT));
    expect(result.spans[0]?.metadata).toEqual({ 'galtea.sessionTag': 'blue' });
    expect(result.response[0]).not.toHaveProperty('sessionTag');
  });

  it.each([
    ['(body)', 'not json'],
    ['(body)', []],
    ['traces', {}],
    ['traces', { traces: [] }],
    ['traces', { traces: {} }],
    ['traces', { traces: Array.from({ length: 1001 }, () => trace()) }],
    ['[0]', ['x']],
    ['[0].inferenceResultId', [{ name: 'n' }]],
    ['[0].name', [{ inferenceResultId: 'ir' }]],
    ['[0].id', [trace({ id: 'x'.repeat(257) })]],
    ['[1].id', [trace({ id: 'same' }), trace({ id: 'same' })]],
    ['[0].type', [trace({ type: 'LLM' })]],
    ['[0].inputData', [trace({ inputData: ['a'] })]],
    ['[0].inputData', [trace({ inputData: { blob: 'x'.repeat(128 * 1024) } })]],
    ['[0].outputData', [trace({ outputData: { blob: 'x'.repeat(128 * 1024) } })]],
    ['[0].metadata', [trace({ metadata: { blob: 'x'.repeat(128 * 1024) } })]],
    ['[0].description', [trace({ description: 'é'.repeat(16 * 1024 + 1) })]],
    ['[0].error', [trace({ error: { message: 'x' } })]],
    ['[0].latencyMs', [trace({ latencyMs: -1 })]],
    ['[0].parentTraceId', [trace({ id: 'a', parentTraceId: 'a' })]],
    ['[0].endTime', [trace({ startTime: at, endTime: '2026-04-18T14:22:18.014Z' })]],
    ['traces[2].startTime', { traces: [trace(), trace(), trace({ startTime: '18/04/2026' })] }],
    ['[0].metadata.model', [trace({ metadata: { model: 'm'.repeat(257) } })]],
    ['[0].outputData', [trace({ type: 'GENERATION', outputData: { content: 'x'.repeat(32_001) } })]],
    [
      '[0].outputData.documents[0].content',
      [trace({ type: 'RETRIEVER', outputData: { documents: [{ id: 'a', content: 'x'.repeat(16 * 1024 + 1) }] } })],
    ],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizeGaltea(body, CONTEXT))).toEqual([path]);
  });
});
