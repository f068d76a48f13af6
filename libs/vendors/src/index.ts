// Vendor trace formats → Cairn's canonical events. Pure functions: no framework, no I/O.
export type { NormalizeContext, NormalizeResult, NormalizeSuccess, NormalizeFailure, IngestEvent } from './result';
export type { FieldError } from './validate';
export { LIMITS, DEFAULT_COLLECTION } from './derive';
export { spanEventId, spanUpdateEventId, spanClientEventId, derivedEventId, anchorId } from './ids';

export { normalizeBasaltTrace, normalizeBasaltLog, BASALT_LOG_TYPES } from './basalt/basalt';
export type { BasaltTraceResponse, BasaltLogResponse, BasaltLogType } from './basalt/basalt';
export { normalizePareaTraceLog, normalizePareaTraceLogUpdate, pareaProjectResponse } from './parea/parea';
export type { PareaProject, PareaProjectResult } from './parea/parea';
export { normalizeGaltea, GALTEA_TRACE_TYPES, GALTEA_LIMITS } from './galtea/galtea';
export type { GalteaCreatedTrace, GalteaTraceType } from './galtea/galtea';
export { normalizeHoneyHiveBatch, normalizeHoneyHiveV1Batch, HONEYHIVE_EVENT_TYPES } from './honeyhive/honeyhive';
export type { HoneyHiveBatchResponse, HoneyHiveEventType } from './honeyhive/honeyhive';
