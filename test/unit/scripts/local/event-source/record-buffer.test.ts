import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '#scripts/local/event-source/record-buffer.ts';

const message = (offset: number, bytes = 10): KafkaMessage =>
  ({
    offset: String(offset),
    timestamp: '1700000000000',
    key: null,
    value: Buffer.alloc(bytes, 1),
    headers: {},
    attributes: 0,
  }) as KafkaMessage;

const fetch = (from: number, count: number) => Array.from({ length: count }, (_, i) => message(from + i));

describe('RecordBuffer', () => {
  it('takes round-robin over partitions, in offset order per partition, up to the batch size', () => {
    const buffer = new RecordBuffer();
    buffer.add('t', 1, fetch(0, 5));
    buffer.add('t', 0, fetch(10, 2));
    const batch = buffer.take({ batchSize: 5, maxPayloadBytes: 6_000_000 });
    expect(batch.map((b) => `${b.partition}:${b.offset}`)).toEqual(['0:10', '1:0', '0:11', '1:1', '1:2']);
  });

  it('stops a batch before the payload limit, but always takes one record', () => {
    const buffer = new RecordBuffer();
    buffer.add('t', 0, [message(0, 3_000), message(1, 3_000)]);
    expect(buffer.take({ batchSize: 10, maxPayloadBytes: 5_000 })).toHaveLength(1);
    expect(buffer.take({ batchSize: 10, maxPayloadBytes: 100 })).toHaveLength(1);
  });

  it('never re-buffers a handled offset, and its size is always what is fetched and not handled', () => {
    type Step =
      | { kind: 'fetch'; partition: number; count: number; rebalance: boolean }
      | { kind: 'handle'; size: number };
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('fetch' as const),
        partition: fc.nat(3),
        count: fc.integer({ min: 1, max: 20 }),
        rebalance: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('handle' as const), size: fc.integer({ min: 1, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps: Step[]) => {
        const buffer = new RecordBuffer();
        const fetchedUpTo = new Map<number, number>();
        const handled = new Set<string>();
        const waiting = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'fetch') {
            let from = (fetchedUpTo.get(s.partition) ?? -1) + 1;
            if (s.rebalance) {
              // A rebalance drops the partition's unhandled records; kafkajs refetches from before the handled ones.
              buffer.drop(s.partition);
              for (const id of [...waiting]) if (id.startsWith(`${s.partition}:`)) waiting.delete(id);
              from = Math.max(0, buffer.handledUpTo(s.partition) - 2);
            }
            buffer.add('t', s.partition, fetch(from, s.count));
            for (let o = from; o < from + s.count; o++)
              if (!handled.has(`${s.partition}:${o}`)) waiting.add(`${s.partition}:${o}`);
            fetchedUpTo.set(s.partition, from + s.count - 1);
          } else {
            const batch = buffer.take({ batchSize: s.size, maxPayloadBytes: 6_000_000 });
            expect(batch.length).toBe(Math.min(s.size, waiting.size));
            for (const b of batch) {
              const id = `${b.partition}:${b.offset}`;
              expect(handled.has(id)).toBe(false);
              expect(waiting.delete(id)).toBe(true);
              handled.add(id);
            }
            buffer.complete(batch);
          }
          expect(buffer.size).toBe(waiting.size);
        }
      }),
    );
  });
});
