import { LIMITS } from '../ingest/buzo.dto';

// The gateway's HTTP surface as OpenAPI 3.1. A test checks that every route the app serves is
// documented here, so the two cannot drift apart silently.

const error = { $ref: '#/components/responses/Error' };
const errors = {
  '400': error,
  '401': error,
  '403': error,
  '413': error,
  '415': error,
  '429': { ...error, description: 'Rate limited; see Retry-After' },
  '503': { ...error, description: 'Kafka cannot take the write; nothing was accepted; see Retry-After' },
};
const accepted = {
  description: 'Accepted events are durably in Kafka',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['accepted', 'duplicates'],
        properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' } },
      },
    },
  },
};
const json = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const vendorBody = (description: string) => json({ description, type: ['object', 'array'] });
const sdk = {
  type: 'object',
  required: ['lang', 'version'],
  properties: { lang: { enum: ['ts', 'python'] }, version: { type: 'string', maxLength: 64 } },
};
const id128 = { type: 'string', minLength: 1, maxLength: LIMITS.idChars };
const timestamp = { type: 'string', format: 'date-time', description: 'ISO 8601 with a zone' };
const vectorChange = json({
  type: 'object',
  required: ['collectionId', 'vectorIds'],
  properties: {
    collectionId: { type: 'string' },
    vectorIds: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string' } },
    reason: { type: 'string', maxLength: 2000 },
  },
});

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Cairn ingest gateway',
    version: '1.0.0',
    description:
      'Buzo-compatible and vendor-compatible trace ingestion, and quarantine administration. A batch is all-or-nothing; a 200 is sent only once every accepted event is acknowledged by Kafka.',
  },
  security: [{ bearer: [] }, { apiKey: [] }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    },
    responses: {
      Error: {
        description: 'Error',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['detail'],
              properties: {
                detail: { type: 'string' },
                errors: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { index: { type: 'integer' }, field: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  paths: {
    '/v1/retrieval-traces': {
      post: {
        summary: 'Record what retrievers returned (scope: ingest)',
        requestBody: json({
          type: 'object',
          required: ['events'],
          properties: {
            events: {
              type: 'array',
              minItems: 1,
              maxItems: LIMITS.retrievalEvents,
              items: {
                type: 'object',
                required: [
                  'clientEventId',
                  'collectionId',
                  'query',
                  'results',
                  'latencyMs',
                  'kReturned',
                  'timestamp',
                  'sdk',
                ],
                properties: {
                  clientEventId: id128,
                  collectionId: { type: 'string', format: 'uuid' },
                  query: { type: 'object', description: 'one of {text}, {hash}, {embedding}; {} on error events' },
                  results: {
                    type: 'array',
                    maxItems: LIMITS.results,
                    items: {
                      type: 'object',
                      required: ['id', 'score'],
                      properties: {
                        id: { type: 'string' },
                        score: { type: 'number' },
                        content: { type: 'string', description: `at most ${LIMITS.contentBytes} bytes` },
                      },
                    },
                  },
                  latencyMs: { type: 'integer', minimum: 0, maximum: LIMITS.latencyMs },
                  kReturned: { type: 'integer', description: 'must equal results.length' },
                  timestamp,
                  sdk,
                  parentQueryId: id128,
                  agentId: { type: 'string' },
                  embeddingModelId: { type: 'string' },
                  cacheHit: { type: 'boolean' },
                  kRequested: { type: 'integer', minimum: 0 },
                  resultsRerankedScores: { type: 'array', items: { type: 'number' } },
                  error: {},
                  metadata: { type: 'object' },
                },
              },
            },
          },
        }),
        responses: { '200': accepted, ...errors },
      },
    },
    '/v1/generation-traces': {
      post: {
        summary: 'Record what models generated (scope: ingest)',
        requestBody: json({
          type: 'object',
          required: ['events'],
          properties: {
            events: {
              type: 'array',
              minItems: 1,
              maxItems: LIMITS.generationEvents,
              items: {
                type: 'object',
                required: ['clientEventId', 'output', 'latencyMs', 'timestamp', 'sdk'],
                properties: {
                  clientEventId: id128,
                  output: { type: 'object', properties: { text: { type: 'string', maxLength: LIMITS.outputChars } } },
                  latencyMs: { type: 'integer', minimum: 0, maximum: LIMITS.latencyMs },
                  timestamp,
                  sdk,
                  runId: id128,
                  parentRunId: id128,
                  collectionId: { type: 'string', format: 'uuid' },
                  agentId: { type: 'string' },
                  model: { type: 'string' },
                  promptTokens: { type: 'integer', minimum: 0 },
                  completionTokens: { type: 'integer', minimum: 0 },
                  error: {},
                  metadata: { type: 'object' },
                },
              },
            },
          },
        }),
        responses: { '200': accepted, ...errors },
      },
    },
    '/v1/vectors/{action}': {
      post: {
        summary: 'Quarantine, release or approve vectors (scope: admin)',
        parameters: [
          { name: 'action', in: 'path', required: true, schema: { enum: ['quarantine', 'release', 'approve'] } },
        ],
        requestBody: vectorChange,
        responses: { '200': accepted, ...errors },
      },
    },
    '/v1/quarantine': {
      get: {
        summary: 'The current quarantine (scope: read)',
        parameters: [{ name: 'state', in: 'query', schema: { enum: ['QUARANTINED', 'APPROVED', 'RELEASED'] } }],
        responses: {
          '200': { description: '{items:[{collectionId, vectorId, state, reason, changedBy, changedAt}]}' },
          ...errors,
        },
      },
    },
    '/monitor/trace': {
      post: {
        summary: 'Basalt trace',
        requestBody: vendorBody('Basalt trace'),
        responses: { '200': { description: '{trace:{id}, warning}' }, ...errors },
      },
    },
    '/monitor/log': {
      post: {
        summary: 'Basalt log',
        requestBody: vendorBody('Basalt log'),
        responses: { '200': { description: '{trace:{id}, log:{id}, warning}' }, ...errors },
      },
    },
    '/api/parea/v1/project': {
      post: {
        summary: 'Parea project',
        requestBody: vendorBody('{name}'),
        responses: { '200': { description: '{name, uuid, created_at, was_created}' }, '422': error },
      },
    },
    '/api/parea/v1/trace_log': {
      post: {
        summary: 'Parea trace log',
        requestBody: vendorBody('Parea trace log'),
        responses: { '200': { description: 'null' }, '422': error },
      },
      put: {
        summary: 'Parea trace log update',
        requestBody: vendorBody('{trace_id, field_name_to_value_map, root_trace_id}'),
        responses: { '200': { description: 'null' }, '422': error },
      },
    },
    '/traces/batch': {
      post: {
        summary: 'Galtea traces (array or {traces})',
        requestBody: vendorBody('Galtea traces'),
        responses: { '200': { description: 'the created traces' }, ...errors },
      },
    },
    '/events/batch': {
      post: {
        summary: 'HoneyHive events batch',
        requestBody: vendorBody('HoneyHive batch'),
        responses: { '200': { description: '{event_ids, session_id?, success}' }, ...errors },
      },
    },
    '/v1/events/batch': {
      post: {
        summary: 'HoneyHive v1 events batch',
        requestBody: vendorBody('HoneyHive v1 batch'),
        responses: { '200': { description: '{event_ids, session_id?, success}' }, ...errors },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
    '/health/live': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'alive' } } } },
    '/health/ready': {
      get: {
        summary: 'Readiness: Kafka and Postgres reachable',
        security: [],
        responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        security: [],
        responses: { '200': { description: 'text exposition format' } },
      },
    },
  },
} as const;
