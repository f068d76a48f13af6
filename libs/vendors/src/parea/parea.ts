/**
 * Parea `POST /trace_log` (one log per request), `PUT /trace_log` (an update of a log already
 * sent) and `POST /project`. A log is one span: `trace_id` is the span, `root_trace_id` the tree,
 * `parent_trace_id` the parent (a root log names itself as its parent).
 */
import { deterministicId, type SpanKind, type SpanRecordedPayload } from '@cairn/contracts';
import { buildSpan, definedIds, finish, LIMITS, spanMetadata, unknownFields } from '../derive';
import { recognizedDocuments, type DocumentList } from '../extract';
import { spanUpdateEventId } from '../ids';
import { failure, type NormalizeContext, type NormalizeFailure, type NormalizeResult } from '../result';
import { resolveTiming, secondsToMillis } from '../time';
import { Issues, Reader, type JsonObject } from '../validate';

const ID = { max: LIMITS.spanIdChars, nonEmpty: true };
const SHORT = { max: LIMITS.shortTextChars };
const FRACTION = { min: 0, max: 1 };
const COUNT = { integer: true, min: 0 };

/** The fields that place a log in its tree; an update may not change them. */
const IDENTITY_FIELDS = ['trace_id', 'root_trace_id', 'parent_trace_id'] as const;

/** Every TraceLog field Cairn reads; anything else lands in metadata as `parea.<field>`. */
const KNOWN_FIELDS = new Set<string>([
  ...IDENTITY_FIELDS,
  'depth',
  'execution_order',
  'trace_name',
  'project_name',
  'project_uuid',
  'organization_id',
  'children',
  'fill_children',
  'inputs',
  'output',
  'target',
  'tags',
  'metadata',
  'latency',
  'time_to_first_token',
  'start_timestamp',
  'end_timestamp',
  'experiment_uuid',
  'deployment_id',
  'end_user_identifier',
  'session_id',
  'status',
  'error',
  'images',
  'scores',
  'comments',
  'annotations',
  'feedback_score',
  'evaluation_metric_names',
  'output_for_eval_metrics',
  'apply_eval_frac',
  'log_sample_rate',
  'cache_hit',
  'configuration',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cost',
]);

/** What one log (or one update's field map) says, read and checked. Every field is optional here. */
interface PareaFields {
  traceName?: string;
  inputs?: JsonObject;
  output?: string;
  start?: string;
  end?: string;
  startPath: string;
  endPath: string;
  latencyMs?: number;
  model?: string;
  messages?: unknown[];
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cost?: number;
  error?: string;
  status?: string;
  sessionId?: string;
  userId?: string;
  metadata?: JsonObject;
  /** Vendor fields without a canonical slot, for `parea.<field>` metadata keys. */
  extras: JsonObject;
  /** Other ids Parea knows the log by. */
  ids: Record<string, string | undefined>;
}

function readScores(reader: Reader): JsonObject[] | undefined {
  return reader.optionalObjectArray('scores')?.map((score) => {
    score.string('name', { max: LIMITS.shortTextChars });
    score.number('score');
    score.optionalString('reason');
    return score.value;
  });
}

function readImages(reader: Reader): JsonObject[] | undefined {
  return reader.optionalObjectArray('images')?.map((image) => {
    image.string('url', { nonEmpty: true });
    image.optionalString('caption');
    return image.value;
  });
}

/** Reads every TraceLog field but the identity ones; shared by a log and an update's field map. */
function readFields(log: Reader): PareaFields {
  const configuration = log.optionalObject('configuration');
  const model = configuration?.optionalString('model', SHORT);
  configuration?.optionalString('provider', SHORT);
  configuration?.optionalObject('model_params');
  configuration?.optionalArray('functions');
  const messages = configuration?.optionalArray('messages')?.map((item) => item.value);
  const latency = log.optionalNumber('latency', { min: 0 });
  const ids = {
    project_uuid: log.optionalString('project_uuid', SHORT),
    organization_id: log.optionalString('organization_id', SHORT),
    experiment_uuid: log.optionalString('experiment_uuid', SHORT),
    deployment_id: log.optionalString('deployment_id', SHORT),
  };
  const status = log.optionalString('status', SHORT);
  return {
    traceName: log.optionalString('trace_name', { max: LIMITS.nameChars }),
    inputs: log.optionalObject('inputs')?.value,
    output: log.optionalString('output'),
    start: log.optionalTimestamp('start_timestamp', 'iso'),
    end: log.optionalTimestamp('end_timestamp', 'iso'),
    startPath: log.pathOf('start_timestamp'),
    endPath: log.pathOf('end_timestamp'),
    latencyMs: latency === undefined ? undefined : secondsToMillis(latency),
    model,
    messages,
    inputTokens: log.optionalNumber('input_tokens', COUNT),
    outputTokens: log.optionalNumber('output_tokens', COUNT),
    totalTokens: log.optionalNumber('total_tokens', COUNT),
    cost: log.optionalNumber('cost', { min: 0 }),
    error: log.optionalString('error'),
    status,
    sessionId: log.optionalString('session_id', SHORT),
    userId: log.optionalString('end_user_identifier', SHORT),
    metadata: log.optionalObject('metadata')?.value,
    extras: {
      project_name: log.optionalString('project_name', { nonEmpty: true, ...SHORT }),
      ...ids,
      depth: log.optionalNumber('depth', COUNT),
      execution_order: log.optionalNumber('execution_order', COUNT),
      status,
      configuration: configuration?.value,
      children: log.optionalStringArray('children', { max: LIMITS.spanIdChars }),
      fill_children: log.optionalBoolean('fill_children'),
      target: log.optionalString('target'),
      tags: log.optionalStringArray('tags', SHORT),
      images: readImages(log),
      scores: readScores(log),
      comments: log.optionalArray('comments')?.map((item) => item.value),
      annotations: log.optionalObject('annotations')?.value,
      feedback_score: log.optionalNumber('feedback_score', FRACTION),
      evaluation_metric_names: log.optionalStringArray('evaluation_metric_names', SHORT),
      output_for_eval_metrics: log.optionalString('output_for_eval_metrics'),
      apply_eval_frac: log.optionalNumber('apply_eval_frac', FRACTION),
      log_sample_rate: log.optionalNumber('log_sample_rate', FRACTION),
      cache_hit: log.optionalBoolean('cache_hit'),
      time_to_first_token: log.optionalNumber('time_to_first_token', { min: 0 }),
      ...unknownFields(log.value, KNOWN_FIELDS),
    },
    ids,
  };
}

/**
 * Parea logs carry no type. A log with a model configuration (a model name or prompt messages) is
 * an LLM call; a log whose output is a JSON-encoded list of documents with ids is a retrieval
 * (a `@trace`-decorated retriever, say); any other log is a traced function. The SDKs always send
 * a `configuration` object and zero token counts, so neither alone marks an LLM call.
 */
function classify(fields: PareaFields, outputPath: string): { kind: SpanKind; documents?: DocumentList } {
  if (fields.model !== undefined || (fields.messages?.length ?? 0) > 0) return { kind: 'generation' };
  const documents = fields.output === undefined ? undefined : recognizedDocuments(parseJson(fields.output), outputPath);
  return documents === undefined ? { kind: 'function' } : { kind: 'retrieval', documents };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface Placement {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: SpanKind;
  name: string;
  originalIds: Record<string, string | undefined>;
}

function toSpan(
  placement: Placement,
  fields: PareaFields,
  context: NormalizeContext,
  issues: Issues,
  extraMetadata: JsonObject = {},
): SpanRecordedPayload {
  const timing = resolveTiming(
    {
      start: fields.start,
      end: fields.end,
      latencyMs: fields.latencyMs,
      startPath: fields.startPath,
      endPath: fields.endPath,
    },
    context.now,
    issues,
  );
  return buildSpan({
    source: 'parea',
    traceId: placement.traceId,
    spanId: placement.spanId,
    parentSpanId: placement.parentSpanId,
    kind: placement.kind,
    name: placement.name,
    // An LLM log's prompt is its messages when the template inputs are absent.
    input: fields.inputs ?? (fields.messages === undefined ? undefined : { messages: fields.messages }),
    output: fields.output,
    ...timing,
    model: fields.model,
    inputTokens: fields.inputTokens,
    outputTokens: fields.outputTokens,
    totalTokens: fields.totalTokens,
    cost: fields.cost,
    error: fields.error ?? (fields.status === 'error' ? 'status: error' : undefined),
    sessionId: fields.sessionId,
    userId: fields.userId,
    metadata: spanMetadata('parea', fields.metadata, { ...fields.extras, ...extraMetadata }),
    originalIds: definedIds({ ...placement.originalIds, ...fields.ids }),
  });
}

/** `POST /trace_log`: one log, answered with a `null` body. */
export function normalizePareaTraceLog(body: unknown, context: NormalizeContext): NormalizeResult<null> {
  const issues = new Issues();
  const log = Reader.of(body, '', issues);
  if (log === undefined) return failure(issues.errors);
  const spanId = log.string('trace_id', ID);
  const traceId = log.string('root_trace_id', ID);
  const parentId = log.string('parent_trace_id', ID);
  log.require('depth', 'execution_order', 'trace_name');
  // Parea's docs require project_name; its SDKs send project_uuid (from POST /project) instead.
  if (!log.has('project_name') && !log.has('project_uuid')) {
    issues.add('project_name', 'is required (or project_uuid)');
  }
  const fields = readFields(log);
  if (issues.any) return failure(issues.errors);

  const { kind, documents } = classify(fields, 'output');
  const span = toSpan(
    {
      traceId,
      spanId,
      parentSpanId: parentId === spanId ? undefined : parentId,
      kind,
      name: fields.traceName ?? '',
      originalIds: {
        trace_id: spanId,
        root_trace_id: traceId,
        parent_trace_id: parentId,
        session_id: fields.sessionId,
      },
    },
    fields,
    context,
    issues,
  );
  const collectionSources = fields.metadata === undefined ? [] : [{ value: fields.metadata, path: 'metadata' }];
  return finish([{ span, outputPath: 'output', documents, collectionSources }], context, issues, null);
}

/**
 * `PUT /trace_log` `{trace_id, field_name_to_value_map, root_trace_id}`: new values for some
 * fields of a log sent before. It becomes a `span.recorded.v1` of the same span (same trace and
 * span ids) carrying only the updated fields, marked `parea.update: { fields: [...] }` so read
 * models merge those fields over the span rather than replace it. Its event id is derived from the
 * update's content: the same update re-sent is a duplicate, a different one is a new event.
 * Fields the update does not set but the contract requires hold placeholders (name '', kind from
 * the update's own fields, start time from the update or the clock).
 */
export function normalizePareaTraceLogUpdate(body: unknown, context: NormalizeContext): NormalizeResult<null> {
  const issues = new Issues();
  const update = Reader.of(body, '', issues);
  if (update === undefined) return failure(issues.errors);
  const spanId = update.string('trace_id', ID);
  // Older SDKs omit root_trace_id; the log is then filed under its own id as trace.
  const rootTraceId = update.optionalString('root_trace_id', ID);
  const changes = update.object('field_name_to_value_map');
  for (const key of IDENTITY_FIELDS) {
    if (changes.has(key)) issues.add(changes.pathOf(key), 'cannot be changed by an update');
  }
  const fields = readFields(changes);
  if (issues.any) return failure(issues.errors);

  const traceId = rootTraceId ?? spanId;
  const outputPath = changes.pathOf('output');
  const { kind, documents } = classify(fields, outputPath);
  const span = toSpan(
    {
      traceId,
      spanId,
      kind,
      name: fields.traceName ?? '',
      originalIds: { trace_id: spanId, root_trace_id: rootTraceId },
    },
    fields,
    context,
    issues,
    { update: { fields: changes.keys().sort() } },
  );
  const eventId = spanUpdateEventId(context.orgId, 'parea', traceId, spanId, changes.value);
  const collectionSources =
    fields.metadata === undefined ? [] : [{ value: fields.metadata, path: changes.pathOf('metadata') }];
  return finish([{ span, outputPath, documents, collectionSources, eventId }], context, issues, null);
}

/** Parea's `POST /project` answer. */
export interface PareaProject {
  name: string;
  uuid: string;
  created_at: string;
  was_created: boolean;
}

export type PareaProjectResult = { ok: true; response: PareaProject } | NormalizeFailure;

/**
 * `POST /project {name}`: Parea's SDKs call it first and keep the uuid. Cairn keeps no projects
 * (a project is a label on the logs), so the uuid is derived from the organization and the name,
 * and the same name always answers the same uuid. Pass `existing` when the caller knows the
 * project was seen before; otherwise the answer says it was created now.
 */
export function pareaProjectResponse(
  body: unknown,
  context: NormalizeContext,
  existing?: { createdAt: Date },
): PareaProjectResult {
  const issues = new Issues();
  const project = Reader.of(body, '', issues);
  const name = project?.string('name', { nonEmpty: true, ...SHORT }) ?? '';
  if (issues.any) return failure(issues.errors);
  return {
    ok: true,
    response: {
      name,
      uuid: deterministicId(context.orgId, 'parea', 'project', name),
      created_at: (existing?.createdAt ?? context.now).toISOString(),
      was_created: existing === undefined,
    },
  };
}
