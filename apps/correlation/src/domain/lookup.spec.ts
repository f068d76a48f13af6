import { arriving, generation, retrieval } from '../../test/records';
import { lookupKeys, vectorsWithoutContent } from './lookup';

describe('lookupKeys', () => {
  it("collects each side's keys for the other side's rows, once each, per organization", () => {
    const keys = lookupKeys([
      arriving(retrieval({ eventId: 'r-1', parentQueryId: 'P', traceId: 'T', partition: 1 })),
      arriving(
        retrieval({
          eventId: 'r-2',
          orgId: 'org-2',
          parentQueryId: 'P',
          partition: 4,
          results: [{ id: 'v', score: 1 }],
        }),
      ),
      arriving(generation({ eventId: 'g-1', runId: 'A', parentRunId: 'P', traceId: 'T', partition: 1 })),
      arriving(generation({ eventId: 'g-2', runId: 'A', partition: 1 })),
    ]);
    expect(keys).toEqual({
      generationAnchors: [
        { orgId: 'org-1', value: 'P' },
        { orgId: 'org-2', value: 'P' },
      ],
      generationTraces: [{ orgId: 'org-1', value: 'T' }],
      generationIds: [
        { orgId: 'org-1', value: 'g-1' },
        { orgId: 'org-1', value: 'g-2' },
      ],
      retrievalAnchors: [
        { orgId: 'org-1', value: 'A' },
        { orgId: 'org-1', value: 'P' },
      ],
      retrievalTraces: [{ orgId: 'org-1', value: 'T' }],
      retrievalIds: [
        { orgId: 'org-1', value: 'r-1' },
        { orgId: 'org-2', value: 'r-2' },
      ],
      contentVectors: [{ orgId: 'org-2', collectionId: 'docs', vectorId: 'v' }],
      partitions: [1, 4],
    });
  });
});

describe('vectorsWithoutContent', () => {
  it('lists the vectors returned without content, once each', () => {
    expect(
      vectorsWithoutContent([
        retrieval({
          eventId: 'r-1',
          results: [
            { id: 'a', score: 1 },
            { id: 'b', score: 1, content: 'b' },
          ],
        }),
        retrieval({ eventId: 'r-2', results: [{ id: 'a', score: 0.5 }] }),
      ]),
    ).toEqual([{ orgId: 'org-1', collectionId: 'docs', vectorId: 'a' }]);
  });
});
