import type { MSKEvent } from 'aws-lambda';
import { describe, expect, inject, it } from 'vitest';
import { clusterIdOf } from '#core/watermark.ts';
import { createRandom } from '#lambda/generator/prng.ts';
import { startEventSourcePoller } from '#scripts/local/event-source-poller.ts';
import { waitFor } from '#test/support/integration.ts';
import { createTestTopic, testKafka } from '#test/support/kafka.ts';
import { uniquePrefix } from '#test/support/local-aws.ts';

const brokers = () => inject('brokers');

/** Produces `count` records (keys k0…k49, some without key, one header each) and returns nothing: offsets are read back. */
const produce = async (topic: string, from: number, count: number) => {
  const producer = testKafka(brokers()).producer();
  await producer.connect();
  const messages = Array.from({ length: count }, (_, i) => ({
    key: (from + i) % 10 === 0 ? null : `k${(from + i) % 50}`,
    value: JSON.stringify({ seq: from + i }),
    headers: { source: 'test' },
  }));
  for (let i = 0; i < messages.length; i += 250)
    await producer.send({ topic, messages: messages.slice(i, i + 250) });
  await producer.disconnect();
};

/** A handler that records every call and fails ~30% of them, like a flaky downstream. */
const flakyHandler = (seed: string) => {
  const random = createRandom(seed);
  const calls: { event: MSKEvent; ok: boolean }[] = [];
  const handler = async (event: MSKEvent) => {
    const ok = !random.chance(0.3);
    calls.push({ event, ok });
    if (!ok) throw new Error('injected failure');
  };
  const delivered = () =>
    calls
      .filter((c) => c.ok)
      .flatMap((c) => Object.values(c.event.records).flat()) as MSKEvent['records'][string];
  return { handler, calls, delivered };
};

describe('local event-source poller (MSK event source mapping stand-in)', () => {
  it('delivers every record in per-partition order despite failures, in the MSK event shape, and resumes after restart', async () => {
    const topic = await createTestTopic(brokers(), 'esm', 4);
    const groupId = uniquePrefix('esm-group');
    await produce(topic, 0, 2_000);

    const first = flakyHandler('esm-1');
    const options = {
      brokers: brokers(),
      topic,
      groupId,
      batchSize: 100,
      maxBatchingWindowMs: 100,
      retryBackoff: { initialMs: 10, maxMs: 50 },
    };
    const poller = await startEventSourcePoller({ ...options, handler: first.handler });
    await waitFor(() => first.delivered().length >= 2_000, 120_000, 'all 2000 records');
    await poller.stop();

    // Every record exactly once among successful invocations, none lost.
    const delivered = first.delivered();
    expect(delivered).toHaveLength(2_000);
    const seqs = delivered.map((r) => JSON.parse(Buffer.from(r.value, 'base64').toString()).seq as number);
    expect(new Set(seqs).size).toBe(2_000);
    expect(Math.min(...seqs)).toBe(0);
    expect(Math.max(...seqs)).toBe(1_999);

    // Failures happened and were retried; each partition's successful deliveries are contiguous and in order.
    expect(first.calls.some((c) => !c.ok)).toBe(true);
    expect(poller.stats).toMatchObject({ records: 2_000 });
    const nextOffset = new Map<number, number>();
    for (const record of delivered) {
      expect(record.offset).toBe(nextOffset.get(record.partition) ?? 0);
      nextOffset.set(record.partition, record.offset + 1);
    }
    expect([...nextOffset.keys()].sort()).toEqual([0, 1, 2, 3]);
    // A failed batch is retried as is: the next call after a failure carries the same records.
    const failedAt = first.calls.findIndex((c) => !c.ok);
    expect(first.calls[failedAt + 1]?.event).toEqual(first.calls[failedAt]?.event);

    // The event looks like Lambda's: batches span partitions, grouped as "<topic>-<partition>".
    const shapes = first.calls.map((c) => c.event);
    // The cluster's ARN as Lambda sends it, ending in the broker's own cluster id.
    const admin = testKafka(brokers()).admin();
    await admin.connect();
    const { clusterId } = await admin.describeCluster();
    await admin.disconnect();
    expect(shapes.every((e) => Object.values(e.records).flat().length <= 100)).toBe(true);
    expect(shapes.some((e) => Object.keys(e.records).length > 1)).toBe(true);
    for (const event of shapes) {
      expect(event).toMatchObject({ eventSource: 'aws:kafka', bootstrapServers: brokers() });
      expect(event.eventSourceArn).toBe(`arn:aws:kafka:local:000000000000:cluster/local/${clusterId}`);
      expect(clusterIdOf(event.eventSourceArn)).toBe(clusterId);
      for (const [group, records] of Object.entries(event.records)) {
        for (const r of records) {
          expect(group).toBe(`${topic}-${r.partition}`);
          expect(Object.keys(r).sort()).toEqual(
            r.key === undefined
              ? ['headers', 'offset', 'partition', 'timestamp', 'timestampType', 'topic', 'value']
              : ['headers', 'key', 'offset', 'partition', 'timestamp', 'timestampType', 'topic', 'value'],
          );
          expect(r).toMatchObject({ topic, timestampType: 'CREATE_TIME' });
          expect(Math.abs(r.timestamp - Date.now())).toBeLessThan(600_000);
          expect(r.headers).toEqual([{ source: [...Buffer.from('test')] }]);
        }
      }
    }
    const byKey = delivered.map((r) => ({
      seq: JSON.parse(Buffer.from(r.value, 'base64').toString()).seq as number,
      key: r.key === undefined ? undefined : Buffer.from(r.key, 'base64').toString(),
    }));
    for (const { seq, key } of byKey) expect(key).toBe(seq % 10 === 0 ? undefined : `k${seq % 50}`);

    // Restart with the same group: only new records arrive, none of the committed ones again.
    await produce(topic, 2_000, 500);
    const second = flakyHandler('esm-2');
    const restarted = await startEventSourcePoller({ ...options, handler: second.handler });
    await waitFor(() => second.delivered().length >= 500, 120_000, '500 new records');
    await restarted.stop();
    const seenAgain = second.calls.flatMap((c) => Object.values(c.event.records).flat());
    const again = seenAgain.map((r) => JSON.parse(Buffer.from(r.value, 'base64').toString()).seq as number);
    expect(Math.min(...again)).toBe(2_000);
    expect(new Set(second.delivered().map((r) => `${r.partition}:${r.offset}`)).size).toBe(500);
    for (const record of second.delivered()) {
      expect(record.offset).toBe(nextOffset.get(record.partition) ?? 0);
      nextOffset.set(record.partition, record.offset + 1);
    }
  });

  it('keeps retrying a failing batch without committing, so a restart redelivers it', async () => {
    const topic = await createTestTopic(brokers(), 'esm-stuck', 2);
    const groupId = uniquePrefix('esm-stuck');
    await produce(topic, 0, 20);
    let attempts = 0;
    const stuck = await startEventSourcePoller({
      brokers: brokers(),
      topic,
      groupId,
      batchSize: 50,
      maxBatchingWindowMs: 50,
      retryBackoff: { initialMs: 5, maxMs: 20 },
      handler: async () => {
        attempts++;
        throw new Error('always down');
      },
    });
    await waitFor(() => attempts >= 5, 30_000, 'retries');
    await stuck.stop();
    expect(stuck.stats.records).toBe(0);

    const seen: number[] = [];
    const healthy = await startEventSourcePoller({
      brokers: brokers(),
      topic,
      groupId,
      batchSize: 50,
      maxBatchingWindowMs: 50,
      handler: async (event) => {
        for (const r of Object.values(event.records).flat()) seen.push(r.offset);
      },
    });
    await waitFor(() => seen.length >= 20, 30_000, 'redelivery');
    await healthy.stop();
    expect(seen).toHaveLength(20);
  });
});
