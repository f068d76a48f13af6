/**
 * Basalt `POST /monitor/trace` (one trace with its logs) and `POST /monitor/log` (one log added
 * to an existing trace). The trace is the root span (kind `chain`) and its logs are its
 * descendants; Basalt lets clients omit ids, so missing trace and log ids are derived from content.
 */
import type { SpanKind } from '@cairn/contracts';
import { buildSpan, definedIds, finish, fitting, LIMITS, spanMetadata, unknownFields, type SpanDraft } from '../derive';
import { findString, MODEL_KEYS, retrievalDocuments, SESSION_KEYS } from '../extract';
import { contentDigest, generatedId } from '../ids';
import { failure, type NormalizeContext, type NormalizeResult } from '../result';
import { resolveTiming } from '../time';
import { childPath, Issues, Reader, type JsonObject } from '../validate';

export const BASALT_LOG_TYPES = ['span', 'generation', 'function', 'tool', 'retrieval', 'event'] as const;
export type BasaltLogType = (typeof BASALT_LOG_TYPES)[number];

/** Basalt's log types are all canonical span kinds already. */
const KIND_OF_LOG_TYPE: Record<BasaltLogType, SpanKind> = {
  span: 'span',
  generation: 'generation',
  function: 'function',
  tool: 'tool',
  retrieval: 'retrieval',
  event: 'event',
};

export interface BasaltTraceResponse {
  trace: { id: string };
  /** Basalt warns about prompts it cannot resolve; Cairn manages no prompts, so there is never a warning. */
  warning: string | null;
}

export interface BasaltLogResponse {
  trace: { id: string };
  log: { id: string };
  warning: string | null;
}

const TRACE_FIELDS = new Set([
  'name',
  'featureSlug',
  'chainSlug',
  'input',
  'output',
  'idealOutput',
  'metadata',
  'organization',
  'user',
  'startTime',
  'endTime',
  'experiment',
  'logs',
  'evaluators',
  'evaluationConfig',
]);

const LOG_FIELDS = new Set([
  'id',
  'type',
  'name',
  'parentId',
  'input',
  'output',
  'prompt',
  'variables',
  'inputTokens',
  'outputTokens',
  'cost',
  'evaluators',
  'idealOutput',
  'metadata',
  'startTime',
  'endTime',
]);

/** `POST /monitor/log` names the trace the log joins. */
const STANDALONE_LOG_FIELDS = new Set([...LOG_FIELDS, 'traceId']);

const ID = { max: LIMITS.spanIdChars, nonEmpty: true };
const SHORT = { max: LIMITS.shortTextChars };

function readEvaluators(reader: Reader): JsonObject[] | undefined {
  return reader.optionalObjectArray('evaluators')?.map((evaluator) => {
    evaluator.string('slug', { nonEmpty: true, max: LIMITS.shortTextChars });
    return evaluator.value;
  });
}

/** `{ id?, name? }` objects (user, organization). */
function readParty(reader: Reader, key: string): JsonObject | undefined {
  const party = reader.optionalObject(key);
  party?.optionalString('id', SHORT);
  party?.optionalString('name', SHORT);
  return party?.value;
}

interface TraceContext {
  traceId: string;
  startTime: string;
  sessionId?: string;
  userId?: string;
  metadata?: Reader;
}

interface ReadLog {
  path: string;
  id: string;
  draft: SpanDraft;
}

/** One log, inside a trace's `logs[]` or as the body of `POST /monitor/log`. */
function readLog(log: Reader, fallbackId: string, trace: TraceContext, known: ReadonlySet<string>): ReadLog {
  const { issues } = log;
  const id = log.optionalString('id', ID) ?? fallbackId;
  const type = log.enumOf('type', BASALT_LOG_TYPES);
  const name = log.optionalString('name', { max: LIMITS.nameChars }) ?? type;
  const parentId = log.optionalString('parentId', ID);
  if (parentId !== undefined && parentId === id) issues.add(log.pathOf('parentId'), "must not be the log's own id");
  const input = log.optionalJson('input');
  const output = log.optionalJson('output');
  const prompt = log.optionalObject('prompt');
  prompt?.string('slug', { nonEmpty: true, max: LIMITS.shortTextChars });
  prompt?.optionalString('version', SHORT);
  prompt?.optionalString('tag', SHORT);
  const variables = log.optionalObjectArray('variables')?.map((variable) => {
    variable.string('label', { max: LIMITS.shortTextChars });
    return variable.value;
  });
  const inputTokens = log.optionalNumber('inputTokens', { integer: true, min: 0 });
  const outputTokens = log.optionalNumber('outputTokens', { integer: true, min: 0 });
  const cost = log.optionalNumber('cost', { min: 0 });
  const evaluators = readEvaluators(log);
  const idealOutput = log.optionalString('idealOutput');
  const metadata = log.optionalObject('metadata');
  const timing = resolveTiming(
    {
      start: log.optionalTimestamp('startTime', 'iso'),
      end: log.optionalTimestamp('endTime', 'iso'),
      startPath: log.pathOf('startTime'),
      endPath: log.pathOf('endTime'),
    },
    new Date(trace.startTime),
    issues,
  );
  const metadataSource = metadata === undefined ? [] : [metadata];
  const kind = KIND_OF_LOG_TYPE[type];
  const parentSpanId = parentId ?? trace.traceId;
  const span = buildSpan({
    source: 'basalt',
    traceId: trace.traceId,
    spanId: id,
    parentSpanId,
    kind,
    name,
    input,
    output,
    ...timing,
    model: fitting(findString(metadataSource, MODEL_KEYS), LIMITS.shortTextChars, issues),
    inputTokens,
    outputTokens,
    totalTokens: inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined,
    cost,
    sessionId: fitting(findString(metadataSource, SESSION_KEYS), LIMITS.shortTextChars, issues) ?? trace.sessionId,
    userId: trace.userId,
    metadata: spanMetadata('basalt', metadata?.value, {
      type,
      prompt: prompt?.value,
      variables,
      evaluators,
      idealOutput,
      ...unknownFields(log.value, known),
    }),
    originalIds: definedIds({ logId: id, traceId: trace.traceId, parentId }),
  });
  // A retrieval log names its collection in its own metadata, else the trace's.
  const collectionSources = [...metadataSource, ...(trace.metadata ? [trace.metadata] : [])];
  return {
    path: log.path,
    id,
    draft: {
      span,
      outputPath: log.pathOf('output'),
      documents: kind === 'retrieval' ? retrievalDocuments(output, log.pathOf('output')) : undefined,
      collectionSources,
    },
  };
}

/**
 * `POST /monitor/trace`. The trace id is derived from the body's content (Basalt's API takes none
 * and returns the one it assigned), so re-sending the same trace is a duplicate.
 */
export function normalizeBasaltTrace(body: unknown, context: NormalizeContext): NormalizeResult<BasaltTraceResponse> {
  const issues = new Issues();
  const trace = Reader.of(body, '', issues);
  if (trace === undefined) return failure(issues.errors);

  const traceId = generatedId(context.orgId, 'basalt', 'trace', contentDigest(body));
  const featureSlug = trace.optionalString('featureSlug', { nonEmpty: true, max: LIMITS.shortTextChars });
  const chainSlug = trace.optionalString('chainSlug', { nonEmpty: true, max: LIMITS.shortTextChars });
  if (!trace.has('featureSlug') && !trace.has('chainSlug')) {
    issues.add('featureSlug', 'is required (or its deprecated alias chainSlug)');
  }
  const name = trace.optionalString('name', { max: LIMITS.nameChars });
  const input = trace.optionalJson('input');
  const output = trace.optionalJson('output');
  const idealOutput = trace.optionalString('idealOutput');
  const metadata = trace.optionalObject('metadata');
  const organization = readParty(trace, 'organization');
  const user = readParty(trace, 'user');
  const experiment = trace.optionalObject('experiment');
  const experimentId = experiment?.string('id', ID);
  const evaluators = readEvaluators(trace);
  const evaluationConfig = trace.optionalObject('evaluationConfig');
  evaluationConfig?.optionalNumber('sampleRate', { min: 0, max: 1 });
  const timing = resolveTiming(
    {
      start: trace.optionalTimestamp('startTime', 'iso'),
      end: trace.optionalTimestamp('endTime', 'iso'),
      startPath: 'startTime',
      endPath: 'endTime',
    },
    context.now,
    issues,
  );
  const metadataSource = metadata === undefined ? [] : [metadata];
  const sessionId = fitting(findString(metadataSource, SESSION_KEYS), LIMITS.shortTextChars, issues);
  const userId = typeof user?.id === 'string' ? user.id : undefined;
  const organizationId = typeof organization?.id === 'string' ? organization.id : undefined;

  const root = buildSpan({
    source: 'basalt',
    traceId,
    spanId: traceId,
    kind: 'chain',
    name: name ?? featureSlug ?? chainSlug ?? '',
    input,
    output,
    ...timing,
    sessionId,
    userId,
    metadata: spanMetadata('basalt', metadata?.value, {
      featureSlug: featureSlug ?? chainSlug,
      organization,
      user,
      experiment: experiment?.value,
      evaluators,
      evaluationConfig: evaluationConfig?.value,
      idealOutput,
      ...unknownFields(trace.value, TRACE_FIELDS),
    }),
    originalIds: definedIds({ traceId, experimentId, organizationId, userId }),
  });

  const traceContext: TraceContext = { traceId, startTime: timing.startTime, sessionId, userId, metadata };
  const logs = (trace.optionalObjectArray('logs', { max: LIMITS.batchItems }) ?? []).map((log, index) =>
    readLog(
      log,
      generatedId(context.orgId, 'basalt', 'log', traceId, String(index), contentDigest(log.value)),
      traceContext,
      LOG_FIELDS,
    ),
  );
  const seen = new Map<string, string>();
  for (const log of logs) {
    const first = seen.get(log.id);
    if (first !== undefined) issues.add(childPath(log.path, 'id'), `duplicates ${childPath(first, 'id')}`);
    else seen.set(log.id, log.path);
  }

  if (issues.any) return failure(issues.errors);
  return finish([{ span: root, outputPath: 'output' }, ...logs.map((log) => log.draft)], context, issues, {
    trace: { id: traceId },
    warning: null,
  });
}

/** `POST /monitor/log`: one log appended to the trace named by `traceId`. */
export function normalizeBasaltLog(body: unknown, context: NormalizeContext): NormalizeResult<BasaltLogResponse> {
  const issues = new Issues();
  const log = Reader.of(body, '', issues);
  if (log === undefined) return failure(issues.errors);
  const traceId = log.string('traceId', ID);
  const read = readLog(
    log,
    generatedId(context.orgId, 'basalt', 'log', traceId, contentDigest(body)),
    { traceId, startTime: context.now.toISOString() },
    STANDALONE_LOG_FIELDS,
  );
  if (issues.any) return failure(issues.errors);
  return finish([read.draft], context, issues, { trace: { id: traceId }, log: { id: read.id }, warning: null });
}
