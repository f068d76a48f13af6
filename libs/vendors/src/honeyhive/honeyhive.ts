/**
 * HoneyHive `POST /events/batch` (legacy; what the SDKs' `create_batch` calls) and
 * `POST /v1/events/batch` (newer; strict). Each event is a span; a session is a tree whose root
 * is the session event (`event_id` = `session_id`), so the session id is the canonical trace id,
 * and events without a `parent_id` hang directly under their session.
 */
import type { SpanKind, SpanRecordedPayload } from '@cairn/contracts';
import {
  buildSpan,
  compact,
  definedIds,
  finish,
  fitting,
  LIMITS,
  spanMetadata,
  unknownFields,
  type SpanDraft,
} from '../derive';
import { findString, MODEL_KEYS, recognizedDocuments, USER_KEYS, usageFrom, type DocumentList } from '../extract';
import { contentDigest, generatedId } from '../ids';
import { failure, type NormalizeContext, type NormalizeResult } from '../result';
import { millisBetween, resolveTiming, type Timing } from '../time';
import { childPath, Issues, Reader, type JsonObject } from '../validate';

export const HONEYHIVE_EVENT_TYPES = ['model', 'tool', 'chain', 'session'] as const;
export type HoneyHiveEventType = (typeof HONEYHIVE_EVENT_TYPES)[number];

export interface HoneyHiveBatchResponse {
  event_ids: string[];
  /** Only when the batch was one session (`is_single_session` / `single_session`). */
  session_id?: string;
  success: true;
}

const EVENT_FIELDS = new Set([
  'project',
  'source',
  'event_name',
  'event_type',
  'event_id',
  'session_id',
  'parent_id',
  'children_ids',
  'config',
  'inputs',
  'outputs',
  'error',
  'start_time',
  'end_time',
  'duration',
  'metadata',
  'feedback',
  'metrics',
  'user_properties',
]);

const SESSION_FIELDS = new Set([
  'session_name',
  'source',
  'session_id',
  'config',
  'inputs',
  'outputs',
  'error',
  'user_properties',
  'metrics',
  'feedback',
  'metadata',
]);

const ID = { max: LIMITS.spanIdChars, nonEmpty: true };
const SHORT = { max: LIMITS.shortTextChars };

/** The two endpoints differ in the name of the single-session flag and in strictness. */
interface Dialect {
  singleSessionFlag: 'is_single_session' | 'single_session';
  /** v1 rejects unknown fields and requires `inputs`. */
  strict: boolean;
}

interface ReadEvent {
  index: number;
  path: string;
  reader: Reader;
  type: HoneyHiveEventType;
  givenEventId?: string;
  givenSessionId?: string;
  givenParentId?: string;
  childrenIds: string[];
  name?: string;
  config?: JsonObject;
  inputs?: JsonObject;
  outputs?: JsonObject;
  metadata?: JsonObject;
  userProperties?: JsonObject;
  error?: string;
  timing: Timing;
  extras: JsonObject;
}

function readEvent(event: Reader, index: number, dialect: Dialect, context: NormalizeContext): ReadEvent {
  if (dialect.strict) {
    event.rejectUnknown(EVENT_FIELDS);
    event.require('inputs');
  }
  const type = event.enumOf('event_type', HONEYHIVE_EVENT_TYPES);
  const givenEventId = event.optionalString('event_id', ID);
  const givenParentId = event.optionalString('parent_id', ID);
  if (givenParentId !== undefined && givenParentId === givenEventId) {
    event.issues.add(event.pathOf('parent_id'), "must not be the event's own id");
  }
  const config = event.optionalObject('config')?.value;
  const metadata = event.optionalObject('metadata')?.value;
  const timing = resolveTiming(
    {
      start: event.optionalTimestamp('start_time', 'epoch-ms'),
      end: event.optionalTimestamp('end_time', 'epoch-ms'),
      latencyMs: event.optionalNumber('duration', { min: 0 }),
      startPath: event.pathOf('start_time'),
      endPath: event.pathOf('end_time'),
    },
    context.now,
    event.issues,
  );
  return {
    index,
    path: event.path,
    reader: event,
    type,
    givenEventId,
    givenSessionId: event.optionalString('session_id', ID),
    givenParentId,
    childrenIds: event.optionalStringArray('children_ids', { max: LIMITS.spanIdChars }) ?? [],
    name: event.optionalString('event_name', { max: LIMITS.nameChars }),
    config,
    inputs: event.optionalObject('inputs')?.value,
    outputs: event.optionalObject('outputs')?.value,
    metadata,
    userProperties: event.optionalObject('user_properties')?.value,
    error: event.optionalString('error'),
    timing,
    extras: {
      project: event.optionalString('project', SHORT),
      source: event.optionalString('source', SHORT),
      event_type: type,
      config,
      feedback: event.optionalObject('feedback')?.value,
      metrics: event.optionalObject('metrics')?.value,
      ...unknownFields(event.value, EVENT_FIELDS),
    },
  };
}

function userIdOf(userProperties: JsonObject | undefined, path: string, issues: Issues): string | undefined {
  return fitting(findString([{ value: userProperties, path }], USER_KEYS), LIMITS.shortTextChars, issues);
}

/** Ids and tree position of every event, resolved across the batch. */
interface Placed {
  event: ReadEvent;
  eventId: string;
  sessionId: string;
  parentSpanId?: string;
}

/**
 * Gives every event an id, a session and a parent. Omitted ids are derived from the event's
 * content and position (HoneyHive would generate them), so a resend answers the same ids. An
 * event without a session joins the batch session (single-session mode), else its parent's, else
 * a session derived from its own content. A parent comes from `parent_id`, else from another
 * event's `children_ids`; top-level events hang under their session.
 */
function place(
  events: readonly ReadEvent[],
  batchSession: string | undefined,
  context: NormalizeContext,
  issues: Issues,
): Placed[] {
  const ids = events.map(
    (event) =>
      event.givenEventId ??
      (event.type === 'session' ? event.givenSessionId : undefined) ??
      generatedId(context.orgId, 'honeyhive', 'event', String(event.index), contentDigest(event.reader.value)),
  );
  const byId = new Map<string, ReadEvent>();
  for (const [position, event] of events.entries()) {
    const id = ids[position] ?? '';
    const first = byId.get(id);
    if (first !== undefined)
      issues.add(childPath(event.path, 'event_id'), `duplicates ${childPath(first.path, 'event_id')}`);
    else byId.set(id, event);
  }
  const claimedParent = new Map<string, string>();
  for (const [position, event] of events.entries()) {
    for (const child of event.childrenIds) claimedParent.set(child, ids[position] ?? '');
  }
  const positionOf = new Map(ids.map((id, position) => [id, position]));
  const parentOf = (position: number): string | undefined => {
    const event = events[position];
    return event?.givenParentId ?? claimedParent.get(ids[position] ?? '');
  };
  const parentPosition = (position: number): number | undefined => {
    const parent = parentOf(position);
    return parent === undefined ? undefined : positionOf.get(parent);
  };
  // Parent links must form a tree: walk up from each event; meeting it again is a cycle.
  for (const [position, event] of events.entries()) {
    const seen = new Set<number>();
    let at = parentPosition(position);
    while (at !== undefined && at !== position && !seen.has(at)) {
      seen.add(at);
      at = parentPosition(at);
    }
    if (at === position) {
      const path = event.givenParentId === undefined ? event.path : childPath(event.path, 'parent_id');
      issues.add(path, 'makes the event its own ancestor');
    }
  }
  if (issues.any) return [];

  const sessions = new Map<number, string>();
  const sessionOf = (position: number): string => {
    const known = sessions.get(position);
    if (known !== undefined) return known;
    const event = events[position];
    if (event === undefined) return '';
    const parent = parentPosition(position);
    const session =
      event.givenSessionId ??
      batchSession ??
      (event.type === 'session' ? ids[position] : undefined) ??
      (parent === undefined ? undefined : sessionOf(parent)) ??
      generatedId(context.orgId, 'honeyhive', 'session', String(event.index), contentDigest(event.reader.value));
    sessions.set(position, session);
    return session;
  };
  return events.map((event, position) => {
    const eventId = ids[position] ?? '';
    const sessionId = sessionOf(position);
    const parent = parentOf(position);
    return { event, eventId, sessionId, parentSpanId: parent ?? (eventId === sessionId ? undefined : sessionId) };
  });
}

function kindOf(event: ReadEvent): { kind: SpanKind; documents?: DocumentList } {
  switch (event.type) {
    case 'model':
      return { kind: 'generation' };
    case 'session':
      return { kind: 'session' };
    default: {
      // Tool and chain events that return documents with ids are retrievals (vector search tools).
      const documents = recognizedDocuments(event.outputs, event.reader.pathOf('outputs'));
      return documents === undefined ? { kind: event.type } : { kind: 'retrieval', documents };
    }
  }
}

function eventDraft(placed: Placed, issues: Issues): SpanDraft {
  const { event } = placed;
  const { kind, documents } = kindOf(event);
  const metadataSource = { value: event.metadata, path: event.reader.pathOf('metadata') };
  const configSource = { value: event.config, path: event.reader.pathOf('config') };
  const span = buildSpan({
    source: 'honeyhive',
    traceId: placed.sessionId,
    spanId: placed.eventId,
    parentSpanId: placed.parentSpanId,
    kind,
    name: event.name ?? event.type,
    input: event.inputs,
    output: event.outputs,
    ...event.timing,
    model: fitting(findString([configSource, metadataSource], MODEL_KEYS), LIMITS.shortTextChars, issues),
    ...usageFrom(event.metadata, event.outputs),
    error: event.error,
    sessionId: placed.sessionId,
    userId: userIdOf(event.userProperties, event.reader.pathOf('user_properties'), issues),
    metadata: spanMetadata('honeyhive', event.metadata, { ...event.extras, user_properties: event.userProperties }),
    originalIds: definedIds({ event_id: placed.eventId, session_id: placed.sessionId, parent_id: event.givenParentId }),
  });
  return {
    span,
    outputPath: event.reader.pathOf('outputs'),
    documents,
    // HoneyHive's config holds "model name, vector index name, etc".
    collectionSources: [metadataSource, configSource],
  };
}

interface SessionProperties {
  sessionId?: string;
  name?: string;
  inputs?: JsonObject;
  outputs?: JsonObject;
  error?: string;
  userId?: string;
  metadata?: JsonObject;
  extras: JsonObject;
}

function readSessionProperties(properties: Reader, dialect: Dialect): SessionProperties {
  if (dialect.strict) properties.rejectUnknown(SESSION_FIELDS);
  const userProperties = properties.optionalObject('user_properties')?.value;
  return {
    sessionId: properties.optionalString('session_id', ID),
    name: properties.optionalString('session_name', { max: LIMITS.nameChars }),
    inputs: properties.optionalObject('inputs')?.value,
    outputs: properties.optionalObject('outputs')?.value,
    error: properties.optionalString('error'),
    userId: userIdOf(userProperties, properties.pathOf('user_properties'), properties.issues),
    metadata: properties.optionalObject('metadata')?.value,
    extras: {
      source: properties.optionalString('source', SHORT),
      config: properties.optionalObject('config')?.value,
      user_properties: userProperties,
      metrics: properties.optionalObject('metrics')?.value,
      feedback: properties.optionalObject('feedback')?.value,
      ...unknownFields(properties.value, SESSION_FIELDS),
    },
  };
}

/**
 * The session span HoneyHive creates for a single-session batch, from `session_properties`,
 * spanning its events (their earliest start to their latest end).
 */
function sessionSpan(
  sessionId: string,
  properties: SessionProperties | undefined,
  placed: readonly Placed[],
  context: NormalizeContext,
): SpanRecordedPayload {
  const starts = placed.map((p) => p.event.timing.startTime).sort();
  const ends = placed.flatMap((p) => p.event.timing.endTime ?? []).sort();
  const startTime = starts[0] ?? context.now.toISOString();
  const endTime = ends.at(-1);
  return buildSpan({
    source: 'honeyhive',
    traceId: sessionId,
    spanId: sessionId,
    kind: 'session',
    name: properties?.name ?? 'session',
    input: properties?.inputs,
    output: properties?.outputs,
    startTime,
    endTime,
    latencyMs: endTime === undefined ? undefined : Math.max(millisBetween(startTime, endTime), 0),
    error: properties?.error,
    sessionId,
    userId: properties?.userId,
    metadata: spanMetadata('honeyhive', properties?.metadata, properties?.extras ?? {}),
    originalIds: { session_id: sessionId },
  });
}

function normalizeBatch(
  body: unknown,
  context: NormalizeContext,
  dialect: Dialect,
): NormalizeResult<HoneyHiveBatchResponse> {
  const issues = new Issues();
  const batch = Reader.of(body, '', issues);
  if (batch === undefined) return failure(issues.errors);
  if (dialect.strict) batch.rejectUnknown(new Set(['events', dialect.singleSessionFlag, 'session_properties']));
  batch.require('events');
  const singleSession = batch.optionalBoolean(dialect.singleSessionFlag) ?? false;
  const propertiesReader = batch.optionalObject('session_properties');
  const properties = propertiesReader === undefined ? undefined : readSessionProperties(propertiesReader, dialect);
  const events = (batch.optionalObjectArray('events', { min: 1, max: LIMITS.batchItems }) ?? []).map((event, index) =>
    readEvent(event, index, dialect, context),
  );
  if (issues.any) return failure(issues.errors);

  let batchSession: string | undefined;
  if (singleSession) {
    const named = new Set(events.flatMap((event) => event.givenSessionId ?? []));
    batchSession =
      properties?.sessionId ??
      (named.size === 1 ? [...named][0] : undefined) ??
      events.find((event) => event.type === 'session')?.givenEventId ??
      generatedId(context.orgId, 'honeyhive', 'session', contentDigest(body));
    for (const event of events) {
      if (event.givenSessionId !== undefined && event.givenSessionId !== batchSession) {
        issues.add(childPath(event.path, 'session_id'), `differs from the batch's single session ${batchSession}`);
      }
    }
  }
  const placed = place(events, batchSession, context, issues);
  if (issues.any) return failure(issues.errors);

  const drafts = placed.map((p) => eventDraft(p, issues));
  if (batchSession !== undefined && !placed.some((p) => p.eventId === batchSession)) {
    drafts.unshift({
      span: sessionSpan(batchSession, properties, placed, context),
      outputPath: childPath('session_properties', 'outputs'),
    });
  }
  const response = compact<HoneyHiveBatchResponse>({
    event_ids: placed.map((p) => p.eventId),
    session_id: batchSession,
    success: true,
  });
  return finish(drafts, context, issues, response);
}

/**
 * Legacy `POST /events/batch` `{events, is_single_session?, session_properties?}`: every event
 * needs `event_type`; fields HoneyHive does not document are kept as `honeyhive.<field>` metadata.
 */
export function normalizeHoneyHiveBatch(
  body: unknown,
  context: NormalizeContext,
): NormalizeResult<HoneyHiveBatchResponse> {
  return normalizeBatch(body, context, { singleSessionFlag: 'is_single_session', strict: false });
}

/**
 * `POST /v1/events/batch` `{events, single_session?, session_properties?}`: every event needs
 * `event_type` and `inputs`, and unknown fields are rejected, as HoneyHive's v1 API does.
 */
export function normalizeHoneyHiveV1Batch(
  body: unknown,
  context: NormalizeContext,
): NormalizeResult<HoneyHiveBatchResponse> {
  return normalizeBatch(body, context, { singleSessionFlag: 'single_session', strict: true });
}
