import { deterministicId } from '@cairn/contracts';
import { normalizeBasaltLog, normalizeBasaltTrace } from './basalt';
import { CONTEXT, errorPaths, expectNormalized, fixture, NOW } from '../../test/normalized';
import { contentDigest, sha256Hex, spanEventId } from '../ids';

const seedRequest = fixture(__dirname, 'monitor-trace.request.json');
const seedResponse = fixture(__dirname, 'monitor-trace.response.json');
const at = '2026-04-18T14:22:18.015Z';

const trace = (fields: Record<string, unknown> = {}) => ({ featureSlug: 'support-bot', startTime: at, ...fields });
const log = (fields: Record<string, unknown> = {}) => ({
  id: 'log-1',
  type: 'span',
  name: 'step',
  startTime: at,
  ...fields,
});

describe('normalizeBasaltTrace', () => {
  it('accepts the seed example and maps the trace and its log field by field', () => {
    const result = expectNormalized(normalizeBasaltTrace(seedRequest, CONTEXT));
    const traceId = deterministicId('org_test', 'basalt', 'trace', contentDigest(seedRequest));
    expect(result.spans).toEqual([
      {
        source: 'basalt',
        traceId,
        spanId: traceId,
        kind: 'chain',
        name: 'qa-chatbot',
        input: 'What is the capital of France?',
        output: 'Paris',
        startTime: '2021-01-01T00:00:00.000Z',
        endTime: '2021-01-01T00:00:00.000Z',
        latencyMs: 0,
        sessionId: '456',
        userId: '123',
        metadata: {
          sessionId: '456',
          userType: 'admin',
          'basalt.featureSlug': 'qa-chatbot',
          'basalt.organization': { id: '123', name: 'ACME' },
          'basalt.user': { id: '123', name: 'John Doe' },
          'basalt.experiment': { id: '123' },
          'basalt.evaluators': [{ slug: 'hallucination' }],
          'basalt.evaluationConfig': { sampleRate: 0.5 },
          'basalt.idealOutput': '<string>',
        },
        originalIds: { traceId, experimentId: '123', organizationId: '123', userId: '123' },
      },
      {
        source: 'basalt',
        traceId,
        spanId: '123',
        parentSpanId: traceId,
        kind: 'generation',
        name: 'qa-chatbot',
        startTime: '2021-01-01T00:00:00.000Z',
        endTime: '2021-01-01T00:00:00.000Z',
        latencyMs: 0,
        sessionId: '456',
        userId: '123',
        metadata: { sessionId: '456', userType: 'admin', 'basalt.type': 'generation' },
        originalIds: { logId: '123', traceId },
      },
    ]);
    // The seed's generation log has no output, so there is no generation to record.
    expect(result.generations).toEqual([]);
    expect(result.retrievals).toEqual([]);
    expect(result.response).toEqual({ trace: { id: traceId }, warning: null });
    expect(result.events.map((event) => event.id)).toEqual([
      spanEventId('org_test', 'basalt', traceId, traceId),
      spanEventId('org_test', 'basalt', traceId, '123'),
    ]);
  });

  it('answers with the keys of the documented response', () => {
    const result = expectNormalized(normalizeBasaltTrace(seedRequest, CONTEXT));
    expect(Object.keys(result.response).sort()).toEqual(Object.keys(seedResponse as object).sort());
  });

  it('gives a re-sent trace the same ids, and a different trace different ones', () => {
    const first = expectNormalized(normalizeBasaltTrace(seedRequest, CONTEXT));
    const again = expectNormalized(
      normalizeBasaltTrace(structuredClone(seedRequest), { ...CONTEXT, now: new Date('2026-05-01T00:00:00.000Z') }),
    );
    const other = expectNormalized(normalizeBasaltTrace(trace({ input: 'another question' }), CONTEXT));
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
    expect(again.response).toEqual(first.response);
    expect(other.response.trace.id).not.toBe(first.response.trace.id);
  });

  it('derives missing log ids from content and position, stable across resends', () => {
    const body = trace({
      logs: [
        { type: 'span', name: 'same' },
        { type: 'span', name: 'same' },
      ],
    });
    const first = expectNormalized(normalizeBasaltTrace(body, CONTEXT));
    const again = expectNormalized(normalizeBasaltTrace(structuredClone(body), CONTEXT));
    const [, one, two] = first.spans;
    expect(one?.spanId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(one?.spanId).not.toBe(two?.spanId);
    expect(again.spans.map((span) => span.spanId)).toEqual(first.spans.map((span) => span.spanId));
  });

  it('builds one tree: logs under their parent log, or under the trace', () => {
    const body = trace({
      logs: [
        log({ id: 'agent', type: 'function' }),
        log({ id: 'search', type: 'tool', parentId: 'agent' }),
        log({ id: 'late-parent', type: 'event', parentId: 'defined-later' }),
        log({ id: 'defined-later', type: 'span' }),
      ],
    });
    const result = expectNormalized(normalizeBasaltTrace(body, CONTEXT));
    const traceId = result.response.trace.id;
    expect(result.spans.map((span) => [span.spanId, span.parentSpanId, span.kind, span.traceId])).toEqual([
      [traceId, undefined, 'chain', traceId],
      ['agent', traceId, 'function', traceId],
      ['search', 'agent', 'tool', traceId],
      ['late-parent', 'defined-later', 'event', traceId],
      ['defined-later', traceId, 'span', traceId],
    ]);
  });

  it('records a generation for a generation log with output text', () => {
    const body = trace({
      logs: [
        log({ id: 'chain', type: 'span' }),
        log({
          id: 'llm',
          type: 'generation',
          parentId: 'chain',
          input: [{ role: 'user', content: 'What is the capital of France?' }],
          output: { content: 'Paris is the capital of France.' },
          inputTokens: 12,
          outputTokens: 7,
          cost: 0.0004,
          startTime: '2026-04-18T14:22:18.015Z',
          endTime: '2026-04-18T14:22:19.215Z',
          metadata: { model: 'gpt-4o-mini' },
          prompt: { slug: 'qa', version: '3' },
          variables: [{ label: 'country', value: 'France' }],
        }),
      ],
    });
    const result = expectNormalized(normalizeBasaltTrace(body, CONTEXT));
    const traceId = result.response.trace.id;
    expect(result.spans[2]).toMatchObject({
      kind: 'generation',
      model: 'gpt-4o-mini',
      inputTokens: 12,
      outputTokens: 7,
      totalTokens: 19,
      cost: 0.0004,
      latencyMs: 1200,
      metadata: {
        model: 'gpt-4o-mini',
        'basalt.type': 'generation',
        'basalt.prompt': { slug: 'qa', version: '3' },
        'basalt.variables': [{ label: 'country', value: 'France' }],
      },
    });
    expect(result.generations).toEqual([
      {
        clientEventId: `basalt:${traceId}:llm`,
        source: 'basalt',
        output: { text: 'Paris is the capital of France.' },
        latencyMs: 1200,
        timestamp: '2026-04-18T14:22:19.215Z',
        runId: 'llm',
        parentRunId: 'chain',
        traceId,
        spanId: 'llm',
        model: 'gpt-4o-mini',
        promptTokens: 12,
        completionTokens: 7,
      },
    ]);
  });

  it('records a retrieval for a retrieval log, with the collection from metadata', () => {
    const body = trace({
      metadata: { collection: 'trace-level-collection' },
      logs: [
        log({ id: 'rag', type: 'span' }),
        log({
          id: 'search',
          type: 'retrieval',
          parentId: 'rag',
          input: 'reset password',
          output: [
            { id: 'kb-1', content: 'Reset links expire in 24 hours.', score: 0.92 },
            { page_content: 'Contact support to unlock an account.', metadata: { source: 'faq.md' } },
          ],
          startTime: '2026-04-18T14:22:18.015Z',
          endTime: '2026-04-18T14:22:18.055Z',
          metadata: { collectionId: 'kb-articles' },
        }),
      ],
    });
    const result = expectNormalized(normalizeBasaltTrace(body, CONTEXT));
    const traceId = result.response.trace.id;
    expect(result.retrievals).toEqual([
      {
        clientEventId: `basalt:${traceId}:search`,
        source: 'basalt',
        collectionId: 'kb-articles',
        query: { text: 'reset password' },
        results: [
          { id: 'kb-1', score: 0.92, content: 'Reset links expire in 24 hours.' },
          // No id: derived from the content, so its text can still be matched; no score: 0.
          {
            id: `sha256:${sha256Hex('Contact support to unlock an account.')}`,
            score: 0,
            content: 'Contact support to unlock an account.',
          },
        ],
        latencyMs: 40,
        kReturned: 2,
        timestamp: '2026-04-18T14:22:18.015Z',
        parentQueryId: 'rag',
        traceId,
        spanId: 'search',
      },
    ]);
  });

  it('falls back to the trace metadata, then to the default collection', () => {
    const withTraceCollection = trace({
      metadata: { index: 'trace-index' },
      logs: [log({ type: 'retrieval', output: [] })],
    });
    const withNone = trace({ logs: [log({ type: 'retrieval' })] });
    const fromTrace = expectNormalized(normalizeBasaltTrace(withTraceCollection, CONTEXT));
    // A log without a parent hangs under the trace, which is then its retrieval's parent query.
    expect(fromTrace.retrievals[0]).toMatchObject({
      collectionId: 'trace-index',
      results: [],
      kReturned: 0,
      parentQueryId: fromTrace.response.trace.id,
    });
    expect(expectNormalized(normalizeBasaltTrace(withNone, CONTEXT)).retrievals[0]?.collectionId).toBe('default');
  });

  it('accepts the minimal trace: only a feature slug, no times, no logs', () => {
    const result = expectNormalized(normalizeBasaltTrace({ featureSlug: 'support-bot' }, CONTEXT));
    expect(result.spans).toEqual([
      {
        source: 'basalt',
        traceId: result.response.trace.id,
        spanId: result.response.trace.id,
        kind: 'chain',
        name: 'support-bot',
        startTime: NOW.toISOString(),
        metadata: { 'basalt.featureSlug': 'support-bot' },
        originalIds: { traceId: result.response.trace.id },
      },
    ]);
  });

  it('takes chainSlug as the deprecated alias of featureSlug, and null as "not set"', () => {
    const result = expectNormalized(
      normalizeBasaltTrace({ chainSlug: 'legacy-chain', name: null, input: null, metadata: null, logs: null }, CONTEXT),
    );
    expect(result.spans[0]).toMatchObject({ name: 'legacy-chain', metadata: { 'basalt.featureSlug': 'legacy-chain' } });
    expect(result.spans[0]).not.toHaveProperty('input');
  });

  it('keeps input and output of any JSON shape', () => {
    const result = expectNormalized(
      normalizeBasaltTrace(
        trace({ input: { question: 'q' }, output: ['a', 'b'], logs: [log({ output: 42 })] }),
        CONTEXT,
      ),
    );
    expect(result.spans.map((span) => [span.input, span.output])).toEqual([
      [{ question: 'q' }, ['a', 'b']],
      [undefined, 42],
    ]);
  });

  it('normalizes time zones to UTC with milliseconds', () => {
    const result = expectNormalized(
      normalizeBasaltTrace(
        trace({ startTime: '2026-04-18T16:22:18.015+02:00', endTime: '2026-04-18T14:22:20.5Z' }),
        CONTEXT,
      ),
    );
    expect(result.spans[0]).toMatchObject({
      startTime: '2026-04-18T14:22:18.015Z',
      endTime: '2026-04-18T14:22:20.500Z',
      latencyMs: 2485,
    });
  });

  it('keeps fields Basalt does not document as basalt.<field> metadata', () => {
    const result = expectNormalized(
      normalizeBasaltTrace(trace({ tags: ['beta'], logs: [log({ level: 'debug' })] }), CONTEXT),
    );
    expect(result.spans[0]?.metadata).toMatchObject({ 'basalt.tags': ['beta'] });
    expect(result.spans[1]?.metadata).toMatchObject({ 'basalt.level': 'debug' });
  });

  it.each([
    ['(body)', 'a string body'],
    ['featureSlug', {}],
    ['featureSlug', trace({ featureSlug: '' })],
    ['name', trace({ name: 7 })],
    ['name', trace({ name: 'n'.repeat(1025) })],
    ['idealOutput', trace({ idealOutput: { a: 1 } })],
    ['metadata', trace({ metadata: 'not an object' })],
    ['startTime', trace({ startTime: '2026-02-30T00:00:00Z' })],
    ['startTime', trace({ startTime: 1776522138015 })],
    ['endTime', trace({ endTime: '2026-04-18T14:22:17Z' })],
    ['user.id', trace({ user: { id: 123 } })],
    ['organization', trace({ organization: [] })],
    ['experiment.id', trace({ experiment: {} })],
    ['evaluators[0].slug', trace({ evaluators: [{}] })],
    ['evaluationConfig.sampleRate', trace({ evaluationConfig: { sampleRate: 1.5 } })],
    ['logs', trace({ logs: {} })],
    ['logs[0]', trace({ logs: ['not a log'] })],
    ['logs[0].type', trace({ logs: [log({ type: 'llm' })] })],
    ['logs[0].type', trace({ logs: [{ id: 'x' }] })],
    ['logs[0].id', trace({ logs: [log({ id: 'x'.repeat(257) })] })],
    ['logs[1].id', trace({ logs: [log(), log()] })],
    ['logs[0].parentId', trace({ logs: [log({ parentId: 'log-1' })] })],
    ['logs[0].inputTokens', trace({ logs: [log({ inputTokens: -1 })] })],
    ['logs[0].outputTokens', trace({ logs: [log({ outputTokens: 1.5 })] })],
    ['logs[0].cost', trace({ logs: [log({ cost: '0.1' })] })],
    ['logs[0].prompt.slug', trace({ logs: [log({ prompt: { version: '1' } })] })],
    ['logs[0].variables[0].label', trace({ logs: [log({ variables: [{ value: 'v' }] })] })],
    ['logs[0].startTime', trace({ logs: [log({ startTime: 'yesterday' })] })],
    ['logs[0].metadata.sessionId', trace({ logs: [log({ metadata: { sessionId: 's'.repeat(300) } })] })],
    ['logs[0].output', trace({ logs: [log({ type: 'generation', output: 'x'.repeat(32_001) })] })],
    [
      'logs[0].output[0].content',
      trace({ logs: [log({ type: 'retrieval', output: [{ id: 'v', content: 'x'.repeat(16 * 1024 + 1) }] })] }),
    ],
    [
      'logs[0].output',
      trace({ logs: [log({ type: 'retrieval', output: Array.from({ length: 201 }, (_, i) => ({ id: `v${i}` })) })] }),
    ],
    [
      'logs[0].metadata.collectionId',
      trace({ logs: [log({ type: 'retrieval', metadata: { collectionId: 'c'.repeat(257) } })] }),
    ],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizeBasaltTrace(body, CONTEXT))).toEqual([path]);
  });

  it('lists every error of a body at once', () => {
    const body = trace({ name: 1, startTime: 'x', logs: [log({ type: 'nope' })] });
    expect(errorPaths(normalizeBasaltTrace(body, CONTEXT))).toEqual(['name', 'startTime', 'logs[0].type']);
  });

  it('rejects rather than truncates an oversized generation output, with a clear message', () => {
    const body = trace({ logs: [log({ type: 'generation', output: 'x'.repeat(32_001) })] });
    const result = normalizeBasaltTrace(body, CONTEXT);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'logs[0].output',
          message: 'output text must be at most 32000 characters (got 32001); it is rejected, not truncated',
        },
      ],
    });
  });
});

describe('normalizeBasaltLog', () => {
  it('adds one log to an existing trace and answers with both ids', () => {
    const body = { traceId: 'trace-9', ...log({ id: 'log-9', type: 'generation', output: 'Paris' }) };
    const result = expectNormalized(normalizeBasaltLog(body, CONTEXT));
    expect(result.response).toEqual({ trace: { id: 'trace-9' }, log: { id: 'log-9' }, warning: null });
    expect(result.spans).toEqual([
      {
        source: 'basalt',
        traceId: 'trace-9',
        spanId: 'log-9',
        parentSpanId: 'trace-9',
        kind: 'generation',
        name: 'step',
        output: 'Paris',
        startTime: at,
        metadata: { 'basalt.type': 'generation' },
        originalIds: { logId: 'log-9', traceId: 'trace-9' },
      },
    ]);
    expect(result.generations[0]).toMatchObject({ clientEventId: 'basalt:trace-9:log-9', parentRunId: 'trace-9' });
  });

  it('derives a missing log id from the body, stable across resends', () => {
    const body = { traceId: 'trace-9', type: 'event', name: 'clicked' };
    const first = expectNormalized(normalizeBasaltLog(body, CONTEXT));
    const again = expectNormalized(normalizeBasaltLog({ ...body }, CONTEXT));
    expect(first.response.log.id).toBe(again.response.log.id);
    expect(first.spans[0]?.startTime).toBe(NOW.toISOString());
  });

  it.each([
    ['traceId', { type: 'event' }],
    ['type', { traceId: 't' }],
    ['parentId', { traceId: 't', id: 'a', type: 'span', parentId: 'a' }],
  ])('rejects a bad %s', (path, body) => {
    expect(errorPaths(normalizeBasaltLog(body, CONTEXT))).toEqual([path]);
  });
});
