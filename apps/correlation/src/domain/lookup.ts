import type { Arrival } from './arrival';
import { orgKey, type RetrievalRecord } from './model';

/** A value (an anchor, a trace id, an event id) within one organization. */
export interface OrgScoped {
  orgId: string;
  value: string;
}

export interface VectorKey {
  orgId: string;
  collectionId: string;
  vectorId: string;
}

/**
 * Every stored row a batch's events could join or duplicate, loaded at once before applying them.
 * The load also follows two links from the rows it finds: the retrievals stored generations have
 * already joined (a new correlation carries them again), and the stored content of the vectors
 * those retrievals returned without content.
 */
export interface LookupKeys {
  /** Retrievals' parentQueryIds: generations with one of them as runId or parentRunId. */
  generationAnchors: OrgScoped[];
  generationTraces: OrgScoped[];
  /** The batch's own generations, to recognize a redelivery. */
  generationIds: OrgScoped[];
  /** Generations' runIds and parentRunIds: retrievals with one of them as parentQueryId. */
  retrievalAnchors: OrgScoped[];
  retrievalTraces: OrgScoped[];
  /** The batch's own retrievals, to recognize a redelivery. */
  retrievalIds: OrgScoped[];
  /** Vectors the batch's retrievals returned without content: the content store may know them. */
  contentVectors: VectorKey[];
  partitions: number[];
}

class KeySet {
  private readonly keys = new Map<string, OrgScoped>();

  add(orgId: string, value: string | undefined): void {
    if (value !== undefined) this.keys.set(orgKey(orgId, value), { orgId, value });
  }

  list(): OrgScoped[] {
    return [...this.keys.values()];
  }
}

export function lookupKeys(arrivals: readonly Arrival[]): LookupKeys {
  const sets = {
    generationAnchors: new KeySet(),
    generationTraces: new KeySet(),
    generationIds: new KeySet(),
    retrievalAnchors: new KeySet(),
    retrievalTraces: new KeySet(),
    retrievalIds: new KeySet(),
  };
  for (const arrival of arrivals) {
    if (arrival.kind === 'retrieval') {
      const { orgId, eventId, parentQueryId, traceId } = arrival.retrieval;
      sets.generationAnchors.add(orgId, parentQueryId);
      sets.generationTraces.add(orgId, traceId);
      sets.retrievalIds.add(orgId, eventId);
    } else {
      const { orgId, eventId, runId, parentRunId, traceId } = arrival.generation;
      sets.retrievalAnchors.add(orgId, runId);
      sets.retrievalAnchors.add(orgId, parentRunId);
      sets.retrievalTraces.add(orgId, traceId);
      sets.generationIds.add(orgId, eventId);
    }
  }
  return {
    generationAnchors: sets.generationAnchors.list(),
    generationTraces: sets.generationTraces.list(),
    generationIds: sets.generationIds.list(),
    retrievalAnchors: sets.retrievalAnchors.list(),
    retrievalTraces: sets.retrievalTraces.list(),
    retrievalIds: sets.retrievalIds.list(),
    contentVectors: vectorsWithoutContent(
      arrivals.flatMap((arrival) => (arrival.kind === 'retrieval' ? [arrival.retrieval] : [])),
    ),
    partitions: [...new Set(arrivals.map((arrival) => arrival.partition))],
  };
}

/** Vectors some retrieval returned without content: the content store may know them. */
export function vectorsWithoutContent(retrievals: readonly RetrievalRecord[]): VectorKey[] {
  const keys = new Map<string, VectorKey>();
  for (const { orgId, collectionId, results } of retrievals) {
    for (const result of results) {
      if (result.content !== undefined) continue;
      keys.set(orgKey(orgId, collectionId, result.id), { orgId, collectionId, vectorId: result.id });
    }
  }
  return [...keys.values()];
}
