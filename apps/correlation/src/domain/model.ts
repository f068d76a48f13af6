/** One vector a retriever returned, as the retrieval event carried it. */
export interface RetrievedResult {
  id: string;
  score: number;
  content?: string;
}

/** A retrieval kept in the window, waiting for (or already joined to) generations. */
export interface RetrievalRecord {
  orgId: string;
  eventId: string;
  clientEventId: string;
  collectionId: string;
  /** Epoch milliseconds of the retrieval's own `timestamp`. */
  timestamp: number;
  parentQueryId?: string;
  traceId?: string;
  results: RetrievedResult[];
  /**
   * Joined some generation through its ids, so the trace fallback no longer applies to it. Only
   * kept up to date for retrievals with a `traceId`, the only ones the fallback can reach.
   */
  matchedById: boolean;
  /** The ingest partition it came from, whose clock decides when it expires. */
  partition: number;
}

/** A generation with text and an anchor, kept in the window whether or not it has correlated yet. */
export interface GenerationRecord {
  orgId: string;
  eventId: string;
  clientEventId: string;
  runId?: string;
  parentRunId?: string;
  traceId?: string;
  /** Epoch milliseconds of the generation's own `timestamp`. */
  timestamp: number;
  outputText: string;
  /** Every retrieval joined so far, sorted: what its latest correlation carried. */
  retrievalEventIds: string[];
  /** Joined some retrieval through its ids; the trace fallback no longer applies to it. */
  matchedById: boolean;
  partition: number;
}

/** The latest content seen for one vector of an organization's collection. */
export interface ContentRecord {
  orgId: string;
  collectionId: string;
  vectorId: string;
  content: string;
  /** Epoch milliseconds of the retrieval that carried it: the latest timestamp wins. */
  observedAt: number;
  partition: number;
}

export interface WindowSettings {
  /** Largest distance between a retrieval's and a generation's timestamps for them to correlate. */
  windowMs: number;
  /** How far behind its partition's clock an event may arrive and still be joined. */
  graceMs: number;
}

/** The largest content kept in the content store (the gateway already rejects larger). */
export const MAX_STORED_CONTENT_BYTES = 16 * 1024;

export function orgKey(orgId: string, ...parts: readonly string[]): string {
  return [orgId, ...parts].join('\u0000');
}

/**
 * How far behind its partition's clock a row is kept. A generation is joinable while it is within
 * window + grace of the clock; a retrieval one window longer, because a generation still joinable
 * re-emits every retrieval it joined, and those lie up to one window before it.
 */
export function retentionOf({ windowMs, graceMs }: WindowSettings): { generationsMs: number; retrievalsMs: number } {
  return { generationsMs: windowMs + graceMs, retrievalsMs: 2 * windowMs + graceMs };
}
