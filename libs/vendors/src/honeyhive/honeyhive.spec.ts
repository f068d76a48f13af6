import { normalizeHoneyHiveBatch, normalizeHoneyHiveV1Batch } from './honeyhive';
import { CONTEXT, errorPaths, expectNormalized, fixture, NOW } from '../../test/normalized';
import { spanEventId } from '../ids';

// HoneyHive's seed documents the fields but shows no example body; this fixture is built from
// those fields (see README): one RAG session sent with is_single_session.
const example = fixture(__dirname, 'events-batch.request.json');

const S = '6f1c2a34-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const CHAIN = '0b6c3f2e-1a2b-4c3d-8e4f-5a6b7c8d9e01';
const TOOL = '0b6c3f2e-1a2b-4c3d-8e4f-5a6b7c8d9e02';
const MODEL = '0b6c3f2e-1a2b-4c3d-8e4f-5a6b7c8d9e03';
const QUESTION = 'How long do password reset links last?';
const ANSWER = 'Reset links expire after 24 hours.';
const t0 = Date.parse('2026-04-18T14:22:18.015Z');

const event = (fields: Record<string, unknown> = {}) => ({
  event_type: 'tool',
  event_name: 'step',
  inputs: {},
  start_time: t0,
  ...fields,
});

describe('normalizeHoneyHiveBatch', () => {
  it('maps a single-session RAG batch field by field: session root, chain, retrieval, generation', () => {
    const result = expectNormalized(normalizeHoneyHiveBatch(example, CONTEXT));
    expect(result.spans).toEqual([
      {
        source: 'honeyhive',
        traceId: S,
        spanId: S,
        kind: 'session',
        name: 'support-chat',
        input: { query: QUESTION },
        output: { content: ANSWER },
        startTime: '2026-04-18T14:22:18.015Z',
        endTime: '2026-04-18T14:22:19.265Z',
        latencyMs: 1250,
        sessionId: S,
        userId: 'user-42',
        metadata: {
          release: '2026.04',
          'honeyhive.source': 'production',
          'honeyhive.user_properties': { user_id: 'user-42' },
        },
        originalIds: { session_id: S },
      },
      {
        source: 'honeyhive',
        traceId: S,
        spanId: CHAIN,
        parentSpanId: S,
        kind: 'chain',
        name: 'rag-pipeline',
        input: { query: QUESTION },
        output: { answer: ANSWER },
        startTime: '2026-04-18T14:22:18.015Z',
        endTime: '2026-04-18T14:22:19.265Z',
        latencyMs: 1250,
        sessionId: S,
        metadata: {
          'honeyhive.project': 'support-bot',
          'honeyhive.source': 'production',
          'honeyhive.event_type': 'chain',
          'honeyhive.config': {},
        },
        originalIds: { event_id: CHAIN, session_id: S },
      },
      {
        source: 'honeyhive',
        traceId: S,
        spanId: TOOL,
        parentSpanId: CHAIN,
        kind: 'retrieval',
        name: 'vector-search',
        input: { query: QUESTION, top_k: 2 },
        output: {
          documents: [
            { id: 'kb-101#3', content: 'Password reset links expire after 24 hours.', score: 0.91 },
            { id: 'kb-205#1', content: 'You can request a new reset link from the sign-in page.', score: 0.78 },
          ],
        },
        startTime: '2026-04-18T14:22:18.020Z',
        endTime: '2026-04-18T14:22:18.105Z',
        latencyMs: 85,
        sessionId: S,
        metadata: {
          'honeyhive.project': 'support-bot',
          'honeyhive.source': 'production',
          'honeyhive.event_type': 'tool',
          'honeyhive.config': { index: 'kb-articles', top_k: 2 },
        },
        originalIds: { event_id: TOOL, session_id: S, parent_id: CHAIN },
      },
      {
        source: 'honeyhive',
        traceId: S,
        spanId: MODEL,
        parentSpanId: CHAIN,
        kind: 'generation',
        name: 'openai.chat',
        input: {
          chat_history: [
            { role: 'system', content: 'Answer from the context.' },
            { role: 'user', content: QUESTION },
          ],
        },
        output: { role: 'assistant', content: ANSWER },
        startTime: '2026-04-18T14:22:18.110Z',
        endTime: '2026-04-18T14:22:19.210Z',
        latencyMs: 1100,
        model: 'gpt-4o-mini',
        inputTokens: 112,
        outputTokens: 9,
        totalTokens: 121,
        sessionId: S,
        userId: 'user-42',
        metadata: {
          prompt_tokens: 112,
          completion_tokens: 9,
          total_tokens: 121,
          'honeyhive.project': 'support-bot',
          'honeyhive.source': 'production',
          'honeyhive.event_type': 'model',
          'honeyhive.config': { model: 'gpt-4o-mini', provider: 'openai' },
          'honeyhive.user_properties': { user_id: 'user-42' },
        },
        originalIds: { event_id: MODEL, session_id: S, parent_id: CHAIN },
      },
    ]);
    expect(result.retrievals).toEqual([
      {
        clientEventId: `honeyhive:${S}:${TOOL}`,
        source: 'honeyhive',
        collectionId: 'kb-articles',
        query: { text: QUESTION },
        results: [
          { id: 'kb-101#3', score: 0.91, content: 'Password reset links expire after 24 hours.' },
          { id: 'kb-205#1', score: 0.78, content: 'You can request a new reset link from the sign-in page.' },
        ],
        latencyMs: 85,
        kReturned: 2,
        kRequested: 2,
        timestamp: '2026-04-18T14:22:18.020Z',
        parentQueryId: CHAIN,
        traceId: S,
        spanId: TOOL,
      },
    ]);
    expect(result.generations).toEqual([
      {
        clientEventId: `honeyhive:${S}:${MODEL}`,
        source: 'honeyhive',
        output: { text: ANSWER },
        latencyMs: 1100,
        timestamp: '2026-04-18T14:22:19.210Z',
        runId: MODEL,
        parentRunId: CHAIN,
        traceId: S,
        spanId: MODEL,
        model: 'gpt-4o-mini',
        promptTokens: 112,
        completionTokens: 9,
      },
    ]);
    expect(result.response).toEqual({ event_ids: [CHAIN, TOOL, MODEL], session_id: S, success: true });
    expect(result.events.filter((e) => e.type === 'span.recorded.v1').map((e) => e.id)).toEqual(
      [S, CHAIN, TOOL, MODEL].map((spanId) => spanEventId('org_test', 'honeyhive', S, spanId)),
    );
  });

  it('gives the same batch the same ids when re-sent', () => {
    const first = expectNormalized(normalizeHoneyHiveBatch(example, CONTEXT));
    const again = expectNormalized(normalizeHoneyHiveBatch(structuredClone(example), CONTEXT));
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
  });

  it('without the single-session flag, files events under their own sessions and answers no session id', () => {
    const body = {
      events: [
        event({ event_id: 'e1', session_id: 's1' }),
        event({ event_id: 'e2', session_id: 's2', parent_id: 'p' }),
      ],
    };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId])).toEqual([
      ['s1', 'e1', 's1'],
      ['s2', 'e2', 'p'],
    ]);
    expect(result.response).toEqual({ event_ids: ['e1', 'e2'], success: true });
  });

  it('makes a session event the root of its tree', () => {
    const body = {
      events: [
        event({ event_type: 'session', event_id: 's1', session_id: 's1', event_name: 'chat' }),
        event({ event_id: 'e1', session_id: 's1' }),
      ],
    };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId, span.kind])).toEqual([
      ['s1', 's1', undefined, 'session'],
      ['s1', 'e1', 's1', 'tool'],
    ]);
  });

  it('takes parents from children_ids and sessions from parents when events omit them', () => {
    const body = {
      events: [
        event({ event_id: 'root', session_id: 's1', event_type: 'chain', children_ids: ['child'] }),
        event({ event_id: 'child', children_ids: ['grandchild'] }),
        event({ event_id: 'grandchild', event_type: 'model' }),
      ],
    };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId])).toEqual([
      ['s1', 'root', 's1'],
      ['s1', 'child', 'root'],
      ['s1', 'grandchild', 'child'],
    ]);
  });

  it('derives omitted event and session ids from content and position, stable across resends', () => {
    const body = { events: [event({ event_name: 'a' }), event({ event_name: 'a' })] };
    const first = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    const again = expectNormalized(normalizeHoneyHiveBatch(structuredClone(body), CONTEXT));
    expect(new Set(first.response.event_ids).size).toBe(2);
    expect(again.response).toEqual(first.response);
    expect(again.spans.map((span) => span.traceId)).toEqual(first.spans.map((span) => span.traceId));
    // Each event without a session starts its own.
    expect(first.spans[0]?.traceId).not.toBe(first.spans[1]?.traceId);
  });

  it('in single-session mode without a session id, derives one from the batch', () => {
    const body = { is_single_session: true, events: [event({ event_id: 'e1' }), event({ event_id: 'e2' })] };
    const first = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    const again = expectNormalized(normalizeHoneyHiveBatch(structuredClone(body), CONTEXT));
    const session = first.response.session_id ?? '';
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.response.session_id).toBe(session);
    expect(first.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId, span.kind])).toEqual([
      [session, session, undefined, 'session'],
      [session, 'e1', session, 'tool'],
      [session, 'e2', session, 'tool'],
    ]);
    expect(first.spans[0]).toMatchObject({ name: 'session', startTime: '2026-04-18T14:22:18.015Z' });
  });

  it('in single-session mode, uses the session the events name', () => {
    const body = { is_single_session: true, events: [event({ event_id: 'e1', session_id: 'chat-7' })] };
    expect(expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT)).response.session_id).toBe('chat-7');
  });

  it.each([
    ['outputs.results', { results: [{ id: 'd1', page_content: 'Chunk one', score: 0.5 }] }],
    [
      'OpenInference documents',
      { 'retrieval.documents': [{ document: { id: 'd1', content: 'Chunk one', score: 0.5 } }] },
    ],
    [
      'flattened OpenInference attributes',
      {
        'retrieval.documents.0.document.id': 'd1',
        'retrieval.documents.0.document.content': 'Chunk one',
        'retrieval.documents.0.document.score': 0.5,
      },
    ],
  ])('recognizes retrieved documents in %s', (_shape, outputs) => {
    const body = { events: [event({ event_id: 'r', session_id: 's', outputs, metadata: { collectionId: 'kb' } })] };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.retrievals).toEqual([
      expect.objectContaining({ collectionId: 'kb', results: [{ id: 'd1', score: 0.5, content: 'Chunk one' }] }),
    ]);
  });

  it('leaves a tool event whose outputs hold no identified documents a tool', () => {
    const body = { events: [event({ outputs: { rows: [{ name: 'a' }], documents: [{ content: 'no id' }] } })] };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.spans[0]?.kind).toBe('tool');
    expect(result.retrievals).toEqual([]);
  });

  it('reads generation text from OpenAI-style choices, and records none for a model event without text', () => {
    const body = {
      events: [
        event({ event_id: 'm1', event_type: 'model', outputs: { choices: [{ message: { content: 'Hi there' } }] } }),
        event({ event_id: 'm2', event_type: 'model', outputs: { finish_reason: 'length' } }),
      ],
    };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.generations.map((g) => [g.spanId, g.output.text])).toEqual([['m1', 'Hi there']]);
  });

  it('truncates fractional epoch milliseconds (Python time.time() * 1000)', () => {
    const body = { events: [event({ start_time: t0 + 0.789, end_time: t0 + 250, duration: null })] };
    const [span] = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT)).spans;
    expect(span).toMatchObject({
      startTime: '2026-04-18T14:22:18.015Z',
      endTime: '2026-04-18T14:22:18.265Z',
      latencyMs: 250,
    });
  });

  it('derives the end from start and duration, and starts an untimed event at the clock', () => {
    const body = { events: [event({ duration: 40 }), event({ start_time: undefined })] };
    const [timed, untimed] = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT)).spans;
    expect(timed).toMatchObject({ endTime: '2026-04-18T14:22:18.055Z', latencyMs: 40 });
    expect(untimed?.startTime).toBe(NOW.toISOString());
  });

  it('keeps undocumented fields as honeyhive.<field> metadata', () => {
    const body = { events: [event({ tags: ['x'] })], extra_top_level: true };
    const result = expectNormalized(normalizeHoneyHiveBatch(body, CONTEXT));
    expect(result.spans[0]?.metadata).toMatchObject({ 'honeyhive.tags': ['x'] });
  });

  it('rejects parent links that form a cycle, with or without sessions', () => {
    const cycle = [event({ event_id: 'a', parent_id: 'b' }), event({ event_id: 'b', parent_id: 'a' })];
    expect(errorPaths(normalizeHoneyHiveBatch({ events: cycle }, CONTEXT))).toEqual([
      'events[0].parent_id',
      'events[1].parent_id',
    ]);
    const viaChildren = [
      event({ event_id: 'a', session_id: 's', children_ids: ['b'] }),
      event({ event_id: 'b', session_id: 's', children_ids: ['a'] }),
    ];
    expect(errorPaths(normalizeHoneyHiveBatch({ events: viaChildren }, CONTEXT))).toEqual(['events[0]', 'events[1]']);
  });

  it.each([
    ['(body)', [event()]],
    ['events', {}],
    ['events', { events: [] }],
    ['events', { events: 'e' }],
    ['events[0]', { events: [1] }],
    ['events[0].event_type', { events: [event({ event_type: undefined })] }],
    ['events[0].event_type', { events: [event({ event_type: 'llm' })] }],
    ['events[0].event_id', { events: [event({ event_id: 'x'.repeat(257) })] }],
    ['events[1].event_id', { events: [event({ event_id: 'a' }), event({ event_id: 'a' })] }],
    ['events[0].parent_id', { events: [event({ event_id: 'a', parent_id: 'a' })] }],
    ['events[0].start_time', { events: [event({ start_time: '2026-04-18T14:22:18Z' })] }],
    ['events[0].end_time', { events: [event({ end_time: t0 - 1 })] }],
    ['events[0].end_time', { events: [event({ end_time: -5 })] }],
    ['events[0].duration', { events: [event({ duration: -1 })] }],
    ['events[0].inputs', { events: [event({ inputs: 'prompt' })] }],
    ['events[0].outputs', { events: [event({ outputs: 'answer' })] }],
    ['events[0].config', { events: [event({ config: [] })] }],
    ['events[0].error', { events: [event({ error: 500 })] }],
    ['events[0].children_ids[0]', { events: [event({ children_ids: [1] })] }],
    [
      'events[0].session_id',
      { is_single_session: true, session_properties: { session_id: 's' }, events: [event({ session_id: 't' })] },
    ],
    ['is_single_session', { is_single_session: 'yes', events: [event()] }],
    ['session_properties.session_name', { session_properties: { session_name: 1 }, events: [event()] }],
    ['events[0].config.model', { events: [event({ config: { model: 'm'.repeat(257) } })] }],
    ['events[0].user_properties.user_id', { events: [event({ user_properties: { user_id: 'u'.repeat(257) } })] }],
    ['events[0].outputs', { events: [event({ event_type: 'model', outputs: { content: 'x'.repeat(32_001) } })] }],
    [
      'events[0].outputs.documents[0].content',
      { events: [event({ outputs: { documents: [{ id: 'd', content: 'x'.repeat(16 * 1024 + 1) }] } })] },
    ],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizeHoneyHiveBatch(body, CONTEXT))).toEqual([path]);
  });
});

describe('normalizeHoneyHiveV1Batch', () => {
  it('accepts documented fields and the single_session flag', () => {
    const body = {
      single_session: true,
      session_properties: { session_id: 'chat-1', session_name: 'chat' },
      events: [event({ event_id: 'e1', event_type: 'model', outputs: { content: 'Hello' } })],
    };
    const result = expectNormalized(normalizeHoneyHiveV1Batch(body, CONTEXT));
    expect(result.response).toEqual({ event_ids: ['e1'], session_id: 'chat-1', success: true });
    expect(result.spans.map((span) => [span.spanId, span.kind, span.name])).toEqual([
      ['chat-1', 'session', 'chat'],
      ['e1', 'generation', 'step'],
    ]);
    expect(result.generations[0]?.output.text).toBe('Hello');
  });

  it.each([
    ['events[0].inputs', { events: [event({ inputs: undefined })] }],
    ['events[0].tags', { events: [event({ tags: ['x'] })] }],
    ['is_single_session', { is_single_session: true, events: [event()] }],
    ['session_properties.project', { session_properties: { project: 'p' }, events: [event()] }],
    ['events[0].event_type', { events: [event({ event_type: 'generic' })] }],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizeHoneyHiveV1Batch(body, CONTEXT))).toEqual([path]);
  });
});
