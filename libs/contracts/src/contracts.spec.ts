import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createEvent,
  decodeEvent,
  deterministicId,
  EVENT_TYPES,
  renderSchemaFiles,
  validateEvent,
  type EventOf,
  type EventType,
} from './index';

const at = '2026-04-18T14:22:18.015Z';
const envelope = { orgId: 'org-1', occurredAt: at, recordedAt: at };
const hash = 'a'.repeat(64);

// Typed by the TypeScript contracts, validated against the JSON Schemas: one example per type
// proves the two describe the same message. `satisfies` fails compilation if a type drifts.
const examples = {
  'retrieval.recorded.v1': {
    ...envelope,
    id: 'e1',
    type: 'retrieval.recorded.v1',
    payload: {
      clientEventId: 'r-1',
      source: 'buzo',
      collectionId: '00000000-0000-0000-0000-000000000001',
      query: { text: 'reset password' },
      results: [{ id: 'v1', score: 0.9, content: 'Reset links expire in 24 hours.' }],
      latencyMs: 12,
      kReturned: 1,
      timestamp: at,
      parentQueryId: 'chain-run-abc',
      sdk: { lang: 'ts', version: '0.4.0' },
    },
  },
  'generation.recorded.v1': {
    ...envelope,
    id: 'e2',
    type: 'generation.recorded.v1',
    payload: { clientEventId: 'g-1', source: 'buzo', output: { text: 'hi' }, latencyMs: 812, timestamp: at },
  },
  'span.recorded.v1': {
    ...envelope,
    id: 'e3',
    type: 'span.recorded.v1',
    payload: {
      source: 'honeyhive',
      traceId: 's-1',
      spanId: 'ev-1',
      kind: 'generation',
      name: 'openai.chat',
      startTime: at,
      originalIds: { event_id: 'ev-1' },
    },
  },
  'vector.quarantined.v1': {
    ...envelope,
    id: 'e4',
    type: 'vector.quarantined.v1',
    payload: { collectionId: 'c', vectorId: 'v1', reason: 'poisoned', actor: 'ck_abc' },
  },
  'vector.released.v1': {
    ...envelope,
    id: 'e5',
    type: 'vector.released.v1',
    payload: { collectionId: 'c', vectorId: 'v1', actor: 'ck_abc' },
  },
  'vector.approved.v1': {
    ...envelope,
    id: 'e6',
    type: 'vector.approved.v1',
    payload: { collectionId: 'c', vectorId: 'v1', actor: 'ck_abc' },
  },
  'org.created.v1': { ...envelope, id: 'e7', type: 'org.created.v1', payload: { name: 'Acme' } },
  'apikey.created.v1': {
    ...envelope,
    id: 'e8',
    type: 'apikey.created.v1',
    payload: { prefix: 'ck_abc', hash, scopes: ['ingest', 'read'], createdAt: at },
  },
  'apikey.revoked.v1': { ...envelope, id: 'e9', type: 'apikey.revoked.v1', payload: { prefix: 'ck_abc' } },
  'generation.correlated.v1': {
    ...envelope,
    id: 'e10',
    type: 'generation.correlated.v1',
    payload: {
      generation: { eventId: 'e2', clientEventId: 'g-1', runId: 'chain-run-abc', timestamp: at, outputText: 'hi' },
      retrievals: [{ eventId: 'e1', clientEventId: 'r-1', collectionId: 'c', timestamp: at }],
      vectors: [{ collectionId: 'c', vectorId: 'v1', retrievalEventId: 'e1', score: 0.9, contentSource: 'unknown' }],
    },
  },
  'citation.detected.v1': {
    ...envelope,
    id: 'e11',
    type: 'citation.detected.v1',
    payload: {
      generation: { eventId: 'e2', clientEventId: 'g-1' },
      collectionId: 'c',
      vectorId: 'v1',
      retrievalEventId: 'e1',
      tier: 'verbatim',
      score: 1,
      spans: [{ start: 0, end: 2 }],
      matcherVersion: 'm1',
    },
  },
  'alert.raised.v1': {
    ...envelope,
    id: 'e12',
    type: 'alert.raised.v1',
    payload: {
      alertType: 'SERVED_FLAGGED',
      collectionId: 'c',
      vectorId: 'v1',
      retrieval: { eventId: 'e1', clientEventId: 'r-1' },
    },
  },
  'ledger.appended.v1': {
    ...envelope,
    id: 'e13',
    type: 'ledger.appended.v1',
    payload: { seq: 1, eventId: 'e7', type: 'org.created.v1', occurredAt: at, payload: {}, prevHash: hash, hash },
  },
  'message.dead-lettered.v1': {
    ...envelope,
    id: 'e14',
    type: 'message.dead-lettered.v1',
    payload: {
      consumerGroup: 'g',
      topic: 'cairn.ingest.v1',
      partition: 3,
      offset: '42',
      value: '{',
      valueEncoding: 'utf8',
      error: 'value is not JSON',
      attempts: 1,
      failedAt: at,
    },
  },
} satisfies { [TType in EventType]: EventOf<TType> };

describe('contracts', () => {
  it('has an example of every event type, and each validates against its schema', () => {
    expect(Object.keys(examples).sort()).toEqual([...EVENT_TYPES].sort());
    for (const example of Object.values(examples)) {
      expect(validateEvent(example)).toEqual({ ok: true, event: example });
    }
  });

  it('keeps schemas/ identical to the TypeScript definitions (run `npm run schemas` after a change)', () => {
    const dir = path.resolve(__dirname, '../../../schemas');
    const onDisk = readdirSync(dir).filter((file) => file.endsWith('.schema.json'));
    const rendered = renderSchemaFiles();
    expect(onDisk.sort()).toEqual([...rendered.keys()].sort());
    for (const [name, content] of rendered) expect(readFileSync(path.join(dir, name), 'utf8')).toBe(content);
  });

  it.each([
    [
      'an unknown field in the payload',
      { ...examples['org.created.v1'], payload: { name: 'x', extra: 1 } },
      '/payload',
    ],
    ['a missing payload field', { ...examples['apikey.revoked.v1'], payload: {} }, 'prefix'],
    ['a timestamp without a zone', { ...examples['org.created.v1'], occurredAt: '2026-04-18 14:22:18' }, 'occurredAt'],
    ['an unknown type', { ...examples['org.created.v1'], type: 'org.deleted.v9' }, 'unknown event type'],
    [
      'a wrong enum',
      { ...examples['alert.raised.v1'], payload: { ...examples['alert.raised.v1'].payload, alertType: 'X' } },
      'alertType',
    ],
  ])('rejects %s', (_name, value, fragment) => {
    const result = validateEvent(value);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(fragment);
  });

  it('decodes raw values and names what is wrong', () => {
    expect(decodeEvent(Buffer.from(JSON.stringify(examples['org.created.v1']))).ok).toBe(true);
    expect(decodeEvent('{oops')).toEqual({ ok: false, error: expect.stringContaining('not JSON') as string });
    expect(decodeEvent(null)).toEqual({ ok: false, error: 'message has no value' });
  });

  it('derives the same UUID-shaped id from the same inputs, and a different one otherwise', () => {
    const id = deterministicId('org-1', 'generation', 'g-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId('org-1', 'generation', 'g-1')).toBe(id);
    expect(deterministicId('org-1', 'generationg', '-1')).not.toBe(id);
  });

  it('stamps recordedAt from the clock and drops absent optional ids', () => {
    const event = createEvent(
      { id: 'x', type: 'org.created.v1', orgId: 'o', occurredAt: at, payload: { name: 'n' } },
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(event).toEqual({
      id: 'x',
      type: 'org.created.v1',
      orgId: 'o',
      occurredAt: at,
      recordedAt: '2026-01-01T00:00:00.000Z',
      payload: { name: 'n' },
    });
    expect(validateEvent(event).ok).toBe(true);
  });
});
