import { deterministicId } from '@cairn/contracts';
import { normalizePareaTraceLog, normalizePareaTraceLogUpdate, pareaProjectResponse } from './parea';
import { CONTEXT, errorPaths, expectNormalized, expectRejected, fixture, NOW } from '../../test/normalized';
import { spanEventId, spanUpdateEventId } from '../ids';

const seedRequest = fixture(__dirname, 'trace-log.request.json');

const ROOT = 'e3267953-a16f-47f5-b37e-622dbb29d730';
const CHILD = '5a0c1f4e-0d1b-4c8e-9f3a-2b7d6e1c9a44';

/** A log as Parea's Python SDK sends it: defaults for every field, project_uuid instead of project_name. */
const sdkLog = (fields: Record<string, unknown> = {}) => ({
  trace_id: CHILD,
  root_trace_id: ROOT,
  parent_trace_id: ROOT,
  depth: 1,
  execution_order: 1,
  trace_name: 'retrieve',
  project_uuid: 'b1f6f0a2-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  configuration: { model: null, provider: null, model_params: null, messages: null, functions: null },
  inputs: { query: 'reset password' },
  output: 'done',
  latency: 0.0,
  input_tokens: 0,
  output_tokens: 0,
  total_tokens: 0,
  cost: 0.0,
  start_timestamp: '2024-05-30T13:48:34.123456+00:00',
  end_timestamp: '2024-05-30T13:48:34.623456+00:00',
  status: 'success',
  ...fields,
});

describe('normalizePareaTraceLog', () => {
  it('accepts the seed example and maps it field by field', () => {
    const result = expectNormalized(normalizePareaTraceLog(seedRequest, CONTEXT));
    expect(result.spans).toEqual([
      {
        source: 'parea',
        // The seed's placeholders are taken literally: root and parent are <<SAME_UUID>>, the log <<UUID>>.
        traceId: '<<SAME_UUID>>',
        spanId: '<<UUID>>',
        parentSpanId: '<<SAME_UUID>>',
        kind: 'function',
        name: 'test',
        input: { x: 'Golang', y: 'Fiber' },
        output: 'Some logged output',
        startTime: '2024-05-30T13:48:34.000Z',
        endTime: '2024-05-30T13:48:35.000Z',
        latencyMs: 1000,
        metadata: {
          purpose: 'testing',
          'parea.project_name': 'default',
          'parea.depth': 0,
          'parea.execution_order': 0,
          'parea.status': 'success',
        },
        originalIds: { trace_id: '<<UUID>>', root_trace_id: '<<SAME_UUID>>', parent_trace_id: '<<SAME_UUID>>' },
      },
    ]);
    expect(result.response).toBeNull();
    expect(result.retrievals).toEqual([]);
    expect(result.generations).toEqual([]);
    expect(result.events[0]?.id).toBe(spanEventId('org_test', 'parea', '<<SAME_UUID>>', '<<UUID>>'));
  });

  it('treats a root log, which names itself as parent, as the root of its tree', () => {
    const body = sdkLog({ trace_id: ROOT, parent_trace_id: ROOT, depth: 0, execution_order: 0 });
    const [span] = expectNormalized(normalizePareaTraceLog(body, CONTEXT)).spans;
    expect(span).toMatchObject({ traceId: ROOT, spanId: ROOT });
    expect(span).not.toHaveProperty('parentSpanId');
  });

  it('accepts what the SDK sends: ISO timestamps with microseconds, defaults, extra fields', () => {
    const body = sdkLog({
      scores: [{ name: 'relevance', score: 0.8, reason: null }],
      images: [{ url: 'https://example.com/a.png', caption: null }],
      comments: null,
      annotations: { '1': { relevance: { created_at: '2024-05-30', user_id: 'u', score: 1 } } },
      cache_hit: false,
      apply_eval_frac: 1.0,
      log_sample_rate: 0.5,
      organization_id: 'org-parea',
      evaluation_metric_names: [],
      fill_children: false,
      children: [],
      tags: ['beta'],
      experiment_uuid: null,
      end_user_identifier: 'user-7',
      session_id: 'chat-1',
      new_sdk_field: { any: 'thing' },
    });
    const [span] = expectNormalized(normalizePareaTraceLog(body, CONTEXT)).spans;
    expect(span).toEqual({
      source: 'parea',
      traceId: ROOT,
      spanId: CHILD,
      parentSpanId: ROOT,
      kind: 'function',
      name: 'retrieve',
      input: { query: 'reset password' },
      output: 'done',
      startTime: '2024-05-30T13:48:34.123Z',
      endTime: '2024-05-30T13:48:34.623Z',
      // The SDK's latency default of 0.0 is what it reported, so it wins over end − start.
      latencyMs: 0,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      cost: 0,
      sessionId: 'chat-1',
      userId: 'user-7',
      metadata: {
        'parea.project_uuid': 'b1f6f0a2-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        'parea.organization_id': 'org-parea',
        'parea.depth': 1,
        'parea.execution_order': 1,
        'parea.status': 'success',
        'parea.configuration': { model: null, provider: null, model_params: null, messages: null, functions: null },
        'parea.children': [],
        'parea.fill_children': false,
        'parea.tags': ['beta'],
        'parea.images': [{ url: 'https://example.com/a.png', caption: null }],
        'parea.scores': [{ name: 'relevance', score: 0.8, reason: null }],
        'parea.annotations': { '1': { relevance: { created_at: '2024-05-30', user_id: 'u', score: 1 } } },
        'parea.evaluation_metric_names': [],
        'parea.apply_eval_frac': 1,
        'parea.log_sample_rate': 0.5,
        'parea.cache_hit': false,
        'parea.new_sdk_field': { any: 'thing' },
      },
      originalIds: {
        trace_id: CHILD,
        root_trace_id: ROOT,
        parent_trace_id: ROOT,
        session_id: 'chat-1',
        project_uuid: 'b1f6f0a2-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        organization_id: 'org-parea',
      },
    });
  });

  it('records an LLM log as a generation, latency converted from seconds', () => {
    const body = sdkLog({
      trace_name: 'llm-openai',
      configuration: {
        model: 'gpt-4o',
        provider: 'openai',
        model_params: { temp: 0 },
        messages: [{ role: 'user', content: 'How long do reset links last?' }],
      },
      inputs: null,
      output: 'Reset links expire after 24 hours.',
      latency: 1.1,
      start_timestamp: '2024-05-30 13:48:34',
      end_timestamp: null,
      input_tokens: 20,
      output_tokens: 8,
      total_tokens: 28,
      cost: 0.00012,
    });
    const result = expectNormalized(normalizePareaTraceLog(body, CONTEXT));
    expect(result.spans[0]).toMatchObject({
      kind: 'generation',
      model: 'gpt-4o',
      input: { messages: [{ role: 'user', content: 'How long do reset links last?' }] },
      startTime: '2024-05-30T13:48:34.000Z',
      endTime: '2024-05-30T13:48:35.100Z',
      latencyMs: 1100,
    });
    expect(result.generations).toEqual([
      {
        clientEventId: `parea:${ROOT}:${CHILD}`,
        source: 'parea',
        output: { text: 'Reset links expire after 24 hours.' },
        latencyMs: 1100,
        timestamp: '2024-05-30T13:48:35.100Z',
        runId: CHILD,
        parentRunId: ROOT,
        traceId: ROOT,
        spanId: CHILD,
        model: 'gpt-4o',
        promptTokens: 20,
        completionTokens: 8,
      },
    ]);
  });

  it('records a log whose output is a JSON list of documents with ids as a retrieval', () => {
    const documents = [
      { id: 'kb-1', page_content: 'Reset links expire after 24 hours.', score: 0.9 },
      { id: 'kb-2', page_content: 'Accounts lock after five failed attempts.', score: 0.7 },
    ];
    const body = sdkLog({ output: JSON.stringify(documents), metadata: { collection_id: 'kb' } });
    const result = expectNormalized(normalizePareaTraceLog(body, CONTEXT));
    expect(result.spans[0]?.kind).toBe('retrieval');
    expect(result.retrievals).toEqual([
      {
        clientEventId: `parea:${ROOT}:${CHILD}`,
        source: 'parea',
        collectionId: 'kb',
        query: { text: 'reset password' },
        results: [
          { id: 'kb-1', score: 0.9, content: 'Reset links expire after 24 hours.' },
          { id: 'kb-2', score: 0.7, content: 'Accounts lock after five failed attempts.' },
        ],
        latencyMs: 0,
        kReturned: 2,
        timestamp: '2024-05-30T13:48:34.123Z',
        parentQueryId: ROOT,
        traceId: ROOT,
        spanId: CHILD,
      },
    ]);
  });

  it('does not take a list of plain objects for documents', () => {
    const body = sdkLog({ output: JSON.stringify([{ name: 'a' }, { name: 'b' }]) });
    const result = expectNormalized(normalizePareaTraceLog(body, CONTEXT));
    expect(result.spans[0]?.kind).toBe('function');
    expect(result.retrievals).toEqual([]);
  });

  it('marks an errored log even without a message', () => {
    const [span] = expectNormalized(normalizePareaTraceLog(sdkLog({ status: 'error' }), CONTEXT)).spans;
    expect(span?.error).toBe('status: error');
    const [withMessage] = expectNormalized(
      normalizePareaTraceLog(sdkLog({ status: 'error', error: 'Timeout' }), CONTEXT),
    ).spans;
    expect(withMessage?.error).toBe('Timeout');
  });

  it('starts a log with no timestamps at the clock', () => {
    const body = sdkLog({ start_timestamp: null, end_timestamp: null, latency: null });
    const [span] = expectNormalized(normalizePareaTraceLog(body, CONTEXT)).spans;
    expect(span?.startTime).toBe(NOW.toISOString());
    expect(span).not.toHaveProperty('endTime');
  });

  it('gives a re-sent log the same event ids', () => {
    const body = sdkLog({ configuration: { model: 'gpt-4o' }, output: 'text' });
    const first = expectNormalized(normalizePareaTraceLog(body, CONTEXT));
    const again = expectNormalized(normalizePareaTraceLog(structuredClone(body), CONTEXT));
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
    expect(first.events).toHaveLength(2);
  });

  it.each([
    ['(body)', []],
    ['trace_id', sdkLog({ trace_id: undefined })],
    ['root_trace_id', sdkLog({ root_trace_id: 42 })],
    ['parent_trace_id', sdkLog({ parent_trace_id: null })],
    ['trace_id', sdkLog({ trace_id: 'x'.repeat(257) })],
    ['depth', sdkLog({ depth: undefined })],
    ['depth', sdkLog({ depth: -1 })],
    ['execution_order', sdkLog({ execution_order: 1.5 })],
    ['trace_name', sdkLog({ trace_name: undefined })],
    ['project_name', sdkLog({ project_uuid: undefined })],
    ['project_name', sdkLog({ project_name: '' })],
    ['inputs', sdkLog({ inputs: 'x=1' })],
    ['output', sdkLog({ output: { answer: 'not serialized' } })],
    ['latency', sdkLog({ latency: -0.5 })],
    ['start_timestamp', sdkLog({ start_timestamp: '2024-13-01 00:00:00' })],
    ['end_timestamp', sdkLog({ end_timestamp: '2024-05-30 13:48:33' })],
    ['input_tokens', sdkLog({ input_tokens: -1 })],
    ['total_tokens', sdkLog({ total_tokens: 2.5 })],
    ['cost', sdkLog({ cost: '0.1' })],
    ['configuration.model', sdkLog({ configuration: { model: 4 } })],
    ['configuration.messages', sdkLog({ configuration: { messages: 'hi' } })],
    ['apply_eval_frac', sdkLog({ apply_eval_frac: 2 })],
    ['log_sample_rate', sdkLog({ log_sample_rate: -0.1 })],
    ['feedback_score', sdkLog({ feedback_score: 1.1 })],
    ['cache_hit', sdkLog({ cache_hit: 'yes' })],
    ['scores[0].score', sdkLog({ scores: [{ name: 'a' }] })],
    ['images[0].url', sdkLog({ images: [{ caption: 'c' }] })],
    ['tags[0]', sdkLog({ tags: [1] })],
    ['session_id', sdkLog({ session_id: 's'.repeat(257) })],
    ['end_user_identifier', sdkLog({ end_user_identifier: 7 })],
    ['metadata', sdkLog({ metadata: ['a'] })],
    ['output', sdkLog({ configuration: { model: 'gpt-4o' }, output: 'x'.repeat(32_001) })],
    [
      'output[0].content',
      sdkLog({ output: JSON.stringify([{ id: 'a', content: 'x'.repeat(16 * 1024 + 1), score: 1 }]) }),
    ],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizePareaTraceLog(body, CONTEXT))).toEqual([path]);
  });
});

describe('normalizePareaTraceLogUpdate', () => {
  const update = (map: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
    trace_id: CHILD,
    root_trace_id: ROOT,
    field_name_to_value_map: map,
    ...fields,
  });

  it('turns an update into a new version of the span, carrying only the updated fields', () => {
    const body = update({ metadata: { reviewed: true }, end_timestamp: '2024-05-30 13:48:40', tags: ['checked'] });
    const result = expectNormalized(normalizePareaTraceLogUpdate(body, CONTEXT));
    expect(result.spans).toEqual([
      {
        source: 'parea',
        traceId: ROOT,
        spanId: CHILD,
        kind: 'function',
        name: '',
        startTime: '2024-05-30T13:48:40.000Z',
        endTime: '2024-05-30T13:48:40.000Z',
        metadata: {
          reviewed: true,
          'parea.tags': ['checked'],
          'parea.update': { fields: ['end_timestamp', 'metadata', 'tags'] },
        },
        originalIds: { trace_id: CHILD, root_trace_id: ROOT },
      },
    ]);
    expect(result.response).toBeNull();
    expect(result.events[0]?.id).toBe(
      spanUpdateEventId('org_test', 'parea', ROOT, CHILD, body.field_name_to_value_map),
    );
  });

  it('gives the same update the same id, a different update a new one, and never the span’s own id', () => {
    const first = expectNormalized(normalizePareaTraceLogUpdate(update({ output: 'v2' }), CONTEXT));
    const again = expectNormalized(normalizePareaTraceLogUpdate(update({ output: 'v2' }), CONTEXT));
    const other = expectNormalized(normalizePareaTraceLogUpdate(update({ output: 'v3' }), CONTEXT));
    expect(again.events[0]?.id).toBe(first.events[0]?.id);
    expect(other.events[0]?.id).not.toBe(first.events[0]?.id);
    expect(first.events[0]?.id).not.toBe(spanEventId('org_test', 'parea', ROOT, CHILD));
  });

  it('files an update without root_trace_id (older SDKs) under the log’s own id', () => {
    const body = { trace_id: CHILD, field_name_to_value_map: { output: 'late output' } };
    const [span] = expectNormalized(normalizePareaTraceLogUpdate(body, CONTEXT)).spans;
    expect(span).toMatchObject({ traceId: CHILD, spanId: CHILD, output: 'late output', startTime: NOW.toISOString() });
  });

  it('records a generation when the update completes an LLM call', () => {
    const body = update({ configuration: { model: 'gpt-4o' }, output: 'Final answer.' });
    const result = expectNormalized(normalizePareaTraceLogUpdate(body, CONTEXT));
    expect(result.generations[0]).toMatchObject({
      clientEventId: `parea:${ROOT}:${CHILD}`,
      output: { text: 'Final answer.' },
    });
  });

  it.each([
    ['trace_id', { field_name_to_value_map: {} }],
    ['field_name_to_value_map', { trace_id: CHILD }],
    ['field_name_to_value_map', update({}, { field_name_to_value_map: ['output'] })],
    ['field_name_to_value_map.root_trace_id', update({ root_trace_id: 'other' })],
    ['field_name_to_value_map.latency', update({ latency: -1 })],
    ['field_name_to_value_map.end_timestamp', update({ end_timestamp: 'soon' })],
    ['root_trace_id', update({}, { root_trace_id: 5 })],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizePareaTraceLogUpdate(body, CONTEXT))).toEqual([path]);
  });
});

describe('pareaProjectResponse', () => {
  it('answers the project with a uuid derived from the organization and the name', () => {
    const result = pareaProjectResponse({ name: 'default' }, CONTEXT);
    expect(result).toEqual({
      ok: true,
      response: {
        name: 'default',
        uuid: deterministicId('org_test', 'parea', 'project', 'default'),
        created_at: NOW.toISOString(),
        was_created: true,
      },
    });
  });

  it('answers the same uuid for the same name, another for another organization', () => {
    const known = pareaProjectResponse({ name: 'default' }, CONTEXT, { createdAt: new Date('2026-01-01T00:00:00Z') });
    const elsewhere = pareaProjectResponse({ name: 'default' }, { ...CONTEXT, orgId: 'org_other' });
    expect(known).toMatchObject({
      ok: true,
      response: {
        uuid: deterministicId('org_test', 'parea', 'project', 'default'),
        created_at: '2026-01-01T00:00:00.000Z',
        was_created: false,
      },
    });
    expect(elsewhere.ok && elsewhere.response.uuid).not.toBe(
      deterministicId('org_test', 'parea', 'project', 'default'),
    );
  });

  it.each([
    ['(body)', null],
    ['name', {}],
    ['name', { name: '' }],
    ['name', { name: 3 }],
  ])('rejects a bad %s', (path, body) => {
    expect(expectRejected(pareaProjectResponse(body, CONTEXT)).map((error) => error.path)).toEqual([path]);
  });
});
