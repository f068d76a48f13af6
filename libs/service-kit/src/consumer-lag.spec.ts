import { ConsumerLagReader, partitionLag } from './consumer-lag';

describe('partitionLag', () => {
  const watermarks = [
    { partition: 1, low: '0', high: '10' },
    { partition: 0, low: '0', high: '100' },
    { partition: 2, low: '50', high: '80' },
    { partition: 3, low: '0', high: '7' },
  ];

  it('is the high watermark minus the committed offset, per partition in order', () => {
    const committed = [
      { partition: 0, offset: '40' },
      { partition: 1, offset: '10' },
      { partition: 2, offset: '60' },
      { partition: 3, offset: '9' },
    ];
    expect(partitionLag(watermarks, committed)).toEqual([
      { partition: 0, lag: 60 },
      { partition: 1, lag: 0 },
      { partition: 2, lag: 20 },
      { partition: 3, lag: 0 }, // a commit past the end (truncated topic) is no negative lag
    ]);
  });

  it('counts from the oldest retained message when nothing is committed or the commit was deleted', () => {
    expect(
      partitionLag(watermarks, [
        { partition: 0, offset: '-1' },
        { partition: 2, offset: '10' },
      ]),
    ).toEqual([
      { partition: 0, lag: 100 },
      { partition: 1, lag: 10 },
      { partition: 2, lag: 30 },
      { partition: 3, lag: 7 },
    ]);
  });
});

describe('ConsumerLagReader', () => {
  const admin = () => {
    const calls = { topicOffsets: 0, groupOffsets: 0 };
    return {
      calls,
      fetchTopicOffsets: jest.fn((topic: string) => {
        calls.topicOffsets += 1;
        return Promise.resolve([{ partition: 0, offset: '5', low: '0', high: topic === 'a' ? '5' : '9' }]);
      }),
      fetchOffsets: jest.fn(({ topics }: { groupId: string; topics?: string[] }) => {
        calls.groupOffsets += 1;
        return Promise.resolve(
          (topics ?? []).map((topic) => ({ topic, partitions: [{ partition: 0, offset: '2', metadata: null }] })),
        );
      }),
    };
  };

  it('reports every group, topic and partition, and reads Kafka at most once per cache period', async () => {
    const fake = admin();
    let now = 0;
    const reader = new ConsumerLagReader(
      fake,
      () => [
        { groupId: 'g1', topics: ['a', 'b'] },
        { groupId: 'g2', topics: ['b'] },
      ],
      { cacheMs: 1_000, now: () => now },
    );
    const expected = [
      { group: 'g1', topic: 'a', partition: 0, lag: 3 },
      { group: 'g1', topic: 'b', partition: 0, lag: 7 },
      { group: 'g2', topic: 'b', partition: 0, lag: 7 },
    ];
    expect(await reader.read()).toEqual(expected);
    now = 999;
    expect(await reader.read()).toEqual(expected);
    expect(fake.calls).toEqual({ topicOffsets: 2, groupOffsets: 2 });
    now = 1_000;
    await reader.read();
    expect(fake.calls).toEqual({ topicOffsets: 4, groupOffsets: 4 });
  });

  it('gives up after the timeout and tries again on the next read', async () => {
    const fake = admin();
    fake.fetchTopicOffsets.mockImplementationOnce(() => new Promise(() => undefined));
    const reader = new ConsumerLagReader(fake, () => [{ groupId: 'g', topics: ['a'] }], { timeoutMs: 20 });
    await expect(reader.read()).rejects.toThrow('within 20 ms');
    expect(await reader.read()).toEqual([{ group: 'g', topic: 'a', partition: 0, lag: 3 }]);
  });
});
