/**
 * Galtea `POST /traces/batch`: a bare array of traces (as the docs show) or `{traces: [...]}` (as
 * the Python SDK sends). Each Galtea "trace" is one span; the spans of one inference result form
 * one tree, so the inference result id is the canonical trace id and `parentTraceId` the parent.
 */
import type { SpanKind } from '@cairn/contracts';
import { buildSpan, definedIds, finish, fitting, LIMITS, spanMetadata, unknownFields, type SpanDraft } from '../derive';
import { findString, MODEL_KEYS, retrievalDocuments, usageFrom } from '../extract';
import { contentDigest, generatedId } from '../ids';
import { failure, type NormalizeContext, type NormalizeResult } from '../result';
import { resolveTiming } from '../time';
import { childPath, Issues, KB, Reader, readArray, type Item, type JsonObject } from '../validate';

export const GALTEA_TRACE_TYPES = [
  'SPAN',
  'GENERATION',
  'EVENT',
  'AGENT',
  'TOOL',
  'CHAIN',
  'RETRIEVER',
  'EVALUATOR',
  'EMBEDDING',
  'GUARDRAIL',
] as const;
export type GalteaTraceType = (typeof GALTEA_TRACE_TYPES)[number];

/** GUARDRAIL has no canonical kind; it stays a plain span with `galtea.type` in its metadata. */
const KIND_OF_TYPE: Record<GalteaTraceType, SpanKind> = {
  SPAN: 'span',
  GENERATION: 'generation',
  EVENT: 'event',
  AGENT: 'agent',
  TOOL: 'tool',
  CHAIN: 'chain',
  RETRIEVER: 'retrieval',
  EVALUATOR: 'evaluator',
  EMBEDDING: 'embedding',
  GUARDRAIL: 'span',
};

/** Galtea's documented caps, in bytes of JSON. */
export const GALTEA_LIMITS = { dataBytes: 128 * KB, descriptionBytes: 32 * KB } as const;

/** One created trace, as Galtea's API answers it. */
export interface GalteaCreatedTrace {
  id: string;
  inferenceResultId: string;
  name: string;
  type: GalteaTraceType | null;
  description: string | null;
  inputData: JsonObject;
  outputData: JsonObject;
  error: string | null;
  latencyMs: number | null;
  metadata: JsonObject;
  parentTraceId: string | null;
  startTime: string | null;
  endTime: string | null;
  createdAt: string;
  deletedAt: null;
}

const KNOWN_FIELDS = new Set([
  'inferenceResultId',
  'name',
  'id',
  'description',
  'type',
  'inputData',
  'outputData',
  'error',
  'latencyMs',
  'metadata',
  'parentTraceId',
  'startTime',
  'endTime',
]);

const ID = { max: LIMITS.spanIdChars, nonEmpty: true };
const DATA = { maxBytes: GALTEA_LIMITS.dataBytes };

/** The traces of the body, whichever of the two accepted shapes it has. */
function batchItems(body: unknown, issues: Issues): Item[] | undefined {
  const rule = { min: 1, max: LIMITS.batchItems };
  if (Array.isArray(body)) return readArray(body, '', issues, rule);
  const wrapper = Reader.of(body, '', issues);
  if (wrapper === undefined) return undefined;
  if (!wrapper.has('traces')) {
    issues.add('traces', 'is required (or send the traces as a bare JSON array)');
    return undefined;
  }
  return wrapper.optionalArray('traces', rule);
}

interface ReadTrace {
  path: string;
  draft: SpanDraft;
  created: GalteaCreatedTrace;
}

function readTrace(item: Item, context: NormalizeContext, issues: Issues): ReadTrace | undefined {
  const trace = Reader.of(item.value, item.path, issues);
  if (trace === undefined) return undefined;
  const inferenceResultId = trace.string('inferenceResultId', ID);
  const name = trace.string('name', { max: LIMITS.nameChars });
  // Position and content make the id, so a resend of the same batch repeats it.
  const id =
    trace.optionalString('id', ID) ??
    generatedId(context.orgId, 'galtea', 'trace', String(item.index), contentDigest(item.value));
  const description = trace.optionalString('description', { maxBytes: GALTEA_LIMITS.descriptionBytes });
  const type = trace.optionalEnum('type', GALTEA_TRACE_TYPES);
  const inputData = trace.optionalObject('inputData', DATA)?.value;
  const outputData = trace.optionalObject('outputData', DATA)?.value;
  const metadata = trace.optionalObject('metadata', DATA)?.value;
  const error = trace.optionalString('error');
  const latencyMs = trace.optionalNumber('latencyMs', { min: 0 });
  const parentTraceId = trace.optionalString('parentTraceId', ID);
  if (parentTraceId !== undefined && parentTraceId === id) {
    issues.add(trace.pathOf('parentTraceId'), "must not be the trace's own id");
  }
  const start = trace.optionalTimestamp('startTime', 'iso');
  const end = trace.optionalTimestamp('endTime', 'iso');
  const timing = resolveTiming(
    { start, end, latencyMs, startPath: trace.pathOf('startTime'), endPath: trace.pathOf('endTime') },
    context.now,
    issues,
  );
  const kind = KIND_OF_TYPE[type ?? 'SPAN'];
  const metadataSource = { value: metadata, path: trace.pathOf('metadata') };
  const usage = usageFrom(metadata);
  const span = buildSpan({
    source: 'galtea',
    traceId: inferenceResultId,
    spanId: id,
    parentSpanId: parentTraceId,
    kind,
    name,
    input: inputData,
    output: outputData,
    ...timing,
    model: fitting(findString([metadataSource], MODEL_KEYS), LIMITS.shortTextChars, issues),
    ...usage,
    error,
    metadata: spanMetadata('galtea', metadata, {
      type,
      description,
      ...unknownFields(trace.value, KNOWN_FIELDS),
    }),
    originalIds: definedIds({ id, inferenceResultId, parentTraceId }),
  });
  const outputPath = trace.pathOf('outputData');
  return {
    path: item.path,
    draft: {
      span,
      outputPath,
      documents: kind === 'retrieval' ? retrievalDocuments(outputData, outputPath) : undefined,
      collectionSources: [metadataSource],
    },
    created: {
      id,
      inferenceResultId,
      name,
      type: type ?? null,
      description: description ?? null,
      inputData: inputData ?? {},
      outputData: outputData ?? {},
      error: error ?? null,
      latencyMs: latencyMs ?? null,
      metadata: metadata ?? {},
      parentTraceId: parentTraceId ?? null,
      startTime: start ?? null,
      endTime: end ?? null,
      createdAt: context.now.toISOString(),
      deletedAt: null,
    },
  };
}

/**
 * `POST /traces/batch`. A `parentTraceId` may name a trace of an earlier batch (the SDK flushes
 * in several), so it is kept as given; spans without one hang directly under the inference result.
 * The batch is all-or-nothing: one invalid trace rejects it, with every error listed.
 */
export function normalizeGaltea(body: unknown, context: NormalizeContext): NormalizeResult<GalteaCreatedTrace[]> {
  const issues = new Issues();
  const items = batchItems(body, issues);
  if (items === undefined) return failure(issues.errors);
  const traces = items.flatMap((item) => readTrace(item, context, issues) ?? []);
  const seen = new Map<string, string>();
  for (const trace of traces) {
    const first = seen.get(trace.created.id);
    if (first !== undefined) issues.add(childPath(trace.path, 'id'), `duplicates ${childPath(first, 'id')}`);
    else seen.set(trace.created.id, trace.path);
  }
  if (issues.any) return failure(issues.errors);
  return finish(
    traces.map((trace) => trace.draft),
    context,
    issues,
    traces.map((trace) => trace.created),
  );
}
