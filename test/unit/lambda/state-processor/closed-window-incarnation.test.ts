/**
 * A closed window still pending (its copy lost) when the cluster is replaced: the new incarnation's offsets restart at
 * 0, below the closed window's watermarks. Its records of that minute are new and must fold next to the closed window,
 * not be taken for records the closed window already holds.
 */

import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import { incarnationOf } from '#core/watermark.ts';
import { windowsInRange } from '#core/window/read.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { InjectedFault, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const M0 = '2026-11-21T10:00Z';
const arn = (uuid: string) => `arn:aws:kafka:eu-west-1:123456789012:cluster/fleet/${uuid}`;
const record = (offset: number, second: number, cpu: number): SourceRecord =>
  sourceRecord(
    { topic: TOPIC, partition: 0, offset, timestampMs: BASE_MS + 3_600_000 },
    telemetryValue({ deviceid: 'd1', cpuusage: cpu, event_time: eventTimeAt(BASE_MS, second) }),
  );

describe('a pending closed window across a replaced cluster', () => {
  it("folds the new cluster's late records of that minute beside it, each record once", async () => {
    let lost = false;
    const store = new MemoryStateStore((write) => {
      if (lost || write.item.sk !== `WIN#${M0}`) return 'none';
      lost = true;
      return 'crash';
    });
    const processor = memoryProcessor({ store, clock: () => BASE_MS + 3_600_000 });
    // Cluster A: two records of M0 (offsets 0, 1), then one of M1 closes M0; its copy is lost.
    await processor.process(toMskEvent([record(0, 1, 10), record(1, 2, 20)], arn('cluster-a')));
    await expect(processor.process(toMskEvent([record(2, 61, 30)], arn('cluster-a')))).rejects.toThrow(
      InjectedFault,
    );
    const device = () => store.items.get('DEVICE#d1\nSTATE') as DeviceItem;
    expect(device().closedWindow).toMatchObject({
      start: M0,
      count: 2,
      source: incarnationOf('cluster-a', TOPIC),
    });

    // Cluster B: offsets restart at 0. Offset 0 and 1 of M0 are new records, though cluster A's closed window has
    // folded offsets 0 and 1 of the same partition.
    await processor.process(toMskEvent([record(0, 3, 5), record(1, 4, 7)], arn('cluster-b')));
    const item = store.items.get(`DEVICE#d1\nWIN#${M0}`) as WindowItem;
    expect(item).toMatchObject({ count: 4, cpuSum: 42, closedAt: device().closedWindow?.at });
    expect(item.source).toBe(incarnationOf('cluster-b', TOPIC));
    // A replay of cluster B's records folds nothing more.
    await processor.process(toMskEvent([record(0, 3, 5), record(1, 4, 7)], arn('cluster-b')));
    const windows = windowsInRange(
      [...store.items.values()].filter((i): i is WindowItem => i.sk.startsWith('WIN#')),
      device(),
      { from: M0, to: '2026-11-21T10:05Z' },
    ).map((w) => [w.start, w.count, w.cpuSum]);
    expect(windows).toEqual([
      [M0, 4, 42],
      ['2026-11-21T10:01Z', 1, 30],
    ]);
    expect(device().recordCount).toBe(5);
  });
});
