import { describe, expect, it } from 'vitest';
import { KafkaLagSource, partitionLag } from '#adapters/kafka-lag.ts';

describe('kafka lag source', () => {
  it('pairs committed offsets with ends; a partition never committed starts at its low watermark', () => {
    expect(
      partitionLag(
        [
          { partition: 1, low: '3', high: '9' },
          { partition: 0, low: '0', high: '5' },
        ],
        [
          { partition: 0, offset: '5' },
          { partition: 1, offset: '-1' },
        ],
      ),
    ).toEqual([
      { partition: 0, committed: 5, end: 5 },
      { partition: 1, committed: 3, end: 9 },
    ]);
  });

  it('asks the admin client for the group and topic it was given, connecting once', async () => {
    const calls: string[] = [];
    const admin = {
      connect: async () => void calls.push('connect'),
      disconnect: async () => void calls.push('disconnect'),
      fetchTopicOffsets: async (topic: string) => {
        calls.push(`ends ${topic}`);
        return [{ partition: 0, offset: '7', low: '0', high: '7' }];
      },
      fetchOffsets: async ({ groupId, topics }: { groupId: string; topics: string[] }) => {
        calls.push(`committed ${groupId} ${topics.join()}`);
        return [{ topic: topics[0], partitions: [{ partition: 0, offset: '6', metadata: null }] }];
      },
    };
    const source = new KafkaLagSource(admin as never, { topic: 't', groupId: 'g' });
    expect(await source.lag()).toEqual([{ partition: 0, committed: 6, end: 7 }]);
    await source.lag();
    await source.close();
    expect(calls).toEqual(['connect', 'ends t', 'committed g t', 'ends t', 'committed g t', 'disconnect']);
  });
});
