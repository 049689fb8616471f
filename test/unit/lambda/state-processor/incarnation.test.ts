import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import { silentLog } from '#core/ports.ts';
import { clusterIdOf, incarnationOf, watermarksFor } from '#core/watermark.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { MemoryMetrics, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

// Watermarks belong to one incarnation of the topic (cluster id from the event's eventSourceArn + topic). When the
// cluster is replaced while the tables are kept, offsets restart at 0: the new records must fold, not be skipped.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const arn = (uuid: string) => `arn:aws:kafka:eu-west-1:123456789012:cluster/fleet/${uuid}`;

const record = (partition: number, offset: number, second: number, deviceid = 'd1'): SourceRecord =>
  sourceRecord(
    { topic: TOPIC, partition, offset, timestampMs: BASE_MS + 3_600_000 },
    telemetryValue({ deviceid, event_time: eventTimeAt(BASE_MS, second) }),
  );

const build = () => {
  const store = new MemoryStateStore();
  const metrics = new MemoryMetrics();
  const warnings: unknown[] = [];
  const processor = memoryProcessor({
    store,
    logger: { ...silentLog, warn: (message, extra) => warnings.push({ message, ...extra }) },
    metrics,
    clock: () => BASE_MS + 3_600_000,
  });
  return { store, metrics, warnings, processor };
};

const device = (store: MemoryStateStore) => store.items.get('DEVICE#d1\nSTATE') as DeviceItem;
const shard = (store: MemoryStateStore, partition: number) =>
  store.items.get(`FLEET\nRECORDS#${TOPIC}#${partition}`) as FleetItem;

describe('incarnations of the topic', () => {
  it('reads the cluster id from an MSK eventSourceArn, and nothing from anything else', () => {
    expect(clusterIdOf(arn('abcd-1234-ef'))).toBe('abcd-1234-ef');
    expect(clusterIdOf('arn:aws:kafka:local:000000000000:cluster/local/Xy_z-9')).toBe('Xy_z-9');
    expect(clusterIdOf('arn:aws:sqs:eu-west-1:1:queue')).toBe('');
    expect(clusterIdOf(undefined)).toBe('');
    expect(clusterIdOf(42)).toBe('');
  });

  it('folds records of a new cluster whose offsets restart at 0 (minutes, windows, fleet counts)', async () => {
    const { store, processor } = build();
    // Cluster A: offsets 0..5 on partitions 0 and 1, over two minutes.
    const first = [0, 1, 2, 3, 4, 5].map((offset) => record(offset % 2, offset, offset * 20));
    await processor.process(toMskEvent(first, arn('cluster-a')));
    expect(device(store)).toMatchObject({ recordCount: 6, source: incarnationOf('cluster-a', TOPIC) });
    // Cluster B (the topic re-created with the tables kept): offsets 0..2 again, later minutes.
    const again = [0, 1, 2].map((offset) => record(0, offset, 200 + offset * 30));
    await processor.process(toMskEvent(again, arn('cluster-b')));
    expect(device(store)).toMatchObject({
      recordCount: 9,
      source: incarnationOf('cluster-b', TOPIC),
      offsets: { 0: 2 }, // partition 1's watermark of cluster A is gone
    });
    expect(shard(store, 0)).toMatchObject({
      records: 6,
      offset: 2,
      source: incarnationOf('cluster-b', TOPIC),
    });
    const windows = [...store.items.values()].filter((i): i is WindowItem => i.sk.startsWith('WIN#'));
    expect(windows.reduce((sum, w) => sum + w.count, 0) + (device(store).openWindow?.count ?? 0)).toBe(9);
    // A re-delivery of cluster B's records is still a replay.
    await processor.process(toMskEvent(again, arn('cluster-b')));
    expect(device(store).recordCount).toBe(9);
  });

  it('counts and logs a batch that ends below what its partition folded, within one incarnation', async () => {
    const { store, metrics, warnings, processor } = build();
    await processor.process(
      toMskEvent(
        [0, 1, 2, 3].map((o) => record(0, o, o)),
        arn('a'),
      ),
    );
    // Same cluster, offsets restart (topic re-created in the same cluster): skipped as folded, but visible.
    await processor.process(toMskEvent([record(0, 0, 100), record(0, 1, 101)], arn('a')));
    expect(device(store).recordCount).toBe(4);
    expect(metrics.totals.OffsetsRewound).toBe(1);
    expect(warnings).toEqual([
      expect.objectContaining({ partitions: [0], source: incarnationOf('a', TOPIC) }),
    ]);
    // A plain retry of the last batch (same end offset) is not a rewind.
    await processor.process(toMskEvent([record(0, 2, 2), record(0, 3, 3)], arn('a')));
    expect(metrics.totals.OffsetsRewound).toBe(1);
  });

  it('reads watermarks of items written before incarnations ("<topic>-<partition>" keys) as the same incarnation', () => {
    const legacy = { offsets: { [`${TOPIC}-0`]: 7, [`${TOPIC}-12`]: 3, 'other-1': 9 } };
    expect(watermarksFor(legacy, incarnationOf('c', TOPIC))).toEqual({ 0: 7, 12: 3 });
    expect(
      watermarksFor({ source: incarnationOf('old', TOPIC), offsets: { 0: 7 } }, incarnationOf('c', TOPIC)),
    ).toBe(undefined);
  });

  it('refuses an event that mixes topics (watermarks are per incarnation of one topic)', async () => {
    const { processor } = build();
    const other = { ...record(0, 0, 1), topic: 'other' };
    await expect(processor.process(toMskEvent([record(0, 0, 1), other], arn('a')))).rejects.toThrow(
      'event holds 2 topics',
    );
  });
});
