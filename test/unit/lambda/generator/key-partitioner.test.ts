import fc from 'fast-check';
import { type PartitionerArgs, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { cachedKeyPartitioner, MAX_REMEMBERED_KEYS } from '#lambda/generator/key-partitioner.ts';

const argsOf = (key: string | null, partitions: number, partition?: number): PartitionerArgs => ({
  topic: 't',
  partitionMetadata: Array.from({ length: partitions }, (_, i) => ({
    partitionId: i,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  })),
  message: { key, value: 'v', ...(partition === undefined ? {} : { partition }) },
});

describe('cachedKeyPartitioner', () => {
  it('picks kafkajs’s murmur2 partition for every key, also when the partition count changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.integer({ min: 1, max: 48 })), { maxLength: 300 }),
        (calls) => {
          const cached = cachedKeyPartitioner();
          const plain = Partitioners.DefaultPartitioner();
          for (const [key, partitions] of calls)
            expect(cached(argsOf(key, partitions))).toBe(plain(argsOf(key, partitions)));
        },
      ),
    );
  });

  it('keeps an explicit partition and still spreads keyless messages round-robin', () => {
    const cached = cachedKeyPartitioner();
    expect(cached(argsOf('dvc0001', 6, 4))).toBe(4);
    const keyless = new Set(Array.from({ length: 12 }, () => cached(argsOf(null, 6))));
    expect(keyless.size).toBe(6);
  });

  it('stays right after it starts its memory over', () => {
    const cached = cachedKeyPartitioner();
    const plain = Partitioners.DefaultPartitioner();
    for (let i = 0; i <= MAX_REMEMBERED_KEYS + 10; i += 997) cached(argsOf(`k${i}`, 6));
    for (let i = 0; i < MAX_REMEMBERED_KEYS + 20; i++) {
      const key = `dvc${i}`;
      if (i % 1000 === 0 || i > MAX_REMEMBERED_KEYS)
        expect(cached(argsOf(key, 6))).toBe(plain(argsOf(key, 6)));
      else cached(argsOf(key, 6));
    }
  });
});
