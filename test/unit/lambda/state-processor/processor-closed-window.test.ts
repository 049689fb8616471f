/**
 * A close is two plain writes: the device (with its closed window) and then the window item (the copy). What happens
 * when the copy is lost, and how the minute stays exact until some writer copies it (core/window/closed.ts).
 */

import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import { windowsInRange } from '#core/window/read.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { InjectedFault, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const M0 = '2026-11-21T10:00Z';
const M1 = '2026-11-21T10:01Z';
const record = (offset: number, second: number, cpu: number): SourceRecord =>
  sourceRecord(
    { topic: 't', partition: 0, offset, timestampMs: BASE_MS + 3_600_000 },
    telemetryValue({ deviceid: 'd1', cpuusage: cpu, event_time: eventTimeAt(BASE_MS, second) }),
  );

/** A store whose first write of minute `start`'s window item crashes before writing (the copy is lost). */
const storeLosingFirstCopyOf = (start: string) => {
  let lost = false;
  return new MemoryStateStore((write) => {
    if (lost || write.item.sk !== `WIN#${start}`) return 'none';
    lost = true;
    return 'crash';
  });
};

const device = (store: MemoryStateStore) => store.items.get('DEVICE#d1\nSTATE') as DeviceItem;
const windowItem = (store: MemoryStateStore, start: string) =>
  store.items.get(`DEVICE#d1\nWIN#${start}`) as WindowItem | undefined;
const windows = (store: MemoryStateStore) =>
  windowsInRange(
    [...store.items.values()].filter((i): i is WindowItem => i.sk.startsWith('WIN#')),
    device(store),
    { from: M0, to: '2026-11-21T10:09Z' },
  ).map((w) => [w.start, w.count, w.cpuSum]);

describe('a minute closed through the device item', () => {
  it('costs two plain writes, no transaction', async () => {
    const store = new MemoryStateStore();
    const processor = memoryProcessor({ store, clock: () => BASE_MS + 3_600_000 });
    await processor.process(toMskEvent([record(0, 1, 10), record(1, 2, 20)]));
    const before = store.transactions;
    const summary = await processor.process(toMskEvent([record(2, 61, 30)]));
    expect(store.transactions - before).toBe(0);
    // The partition's record counts, the device, the copy.
    expect(summary.itemWrites).toBe(3);
    expect(windowItem(store, M0)).toMatchObject({ count: 2, cpuSum: 30, closedAt: device(store).version });
    expect(device(store).closedWindow).toMatchObject({ start: M0, count: 2, at: device(store).version });
    expect(windows(store)).toEqual([
      [M0, 2, 30],
      [M1, 1, 30],
    ]);
  });

  it('stays exact when the copy is lost: readers take it from the device; a late record or the next close copies it', async () => {
    const store = storeLosingFirstCopyOf(M0);
    const processor = memoryProcessor({ store, clock: () => BASE_MS + 3_600_000 });
    await processor.process(toMskEvent([record(0, 1, 10), record(1, 2, 20)]));
    // The close: the device is written, the copy crashes; Lambda retries the batch, which has nothing left to fold.
    const close = toMskEvent([record(2, 61, 30)]);
    await expect(processor.process(close)).rejects.toThrow(InjectedFault);
    expect(await processor.process(close)).toMatchObject({ itemWrites: 0 });
    expect(windowItem(store, M0)).toBeUndefined();
    expect(windows(store)).toEqual([
      [M0, 2, 30],
      [M1, 1, 30],
    ]);

    // A late record of M0 writes the item with the closed window in it, tagged; readers count it once.
    await processor.process(toMskEvent([record(3, 3, 5)]));
    expect(windowItem(store, M0)).toMatchObject({
      count: 3,
      cpuSum: 35,
      closedAt: device(store).closedWindow?.at,
    });
    expect(windows(store)).toEqual([
      [M0, 3, 35],
      [M1, 1, 30],
    ]);
  });

  it('is copied before the next close replaces it, when its own copy was lost', async () => {
    const store = storeLosingFirstCopyOf(M0);
    const processor = memoryProcessor({ store, clock: () => BASE_MS + 3_600_000 });
    await processor.process(toMskEvent([record(0, 1, 10)]));
    await expect(processor.process(toMskEvent([record(1, 61, 20)]))).rejects.toThrow(InjectedFault);
    expect(windowItem(store, M0)).toBeUndefined();
    // The next close (M1) copies M0 first, then replaces the closed window with M1 and copies that.
    await processor.process(toMskEvent([record(2, 121, 40)]));
    expect(windowItem(store, M0)).toMatchObject({ count: 1, cpuSum: 10 });
    expect(windowItem(store, M1)).toMatchObject({ count: 1, cpuSum: 20 });
    expect(device(store).closedWindow).toMatchObject({ start: M1 });
    expect(windows(store)).toEqual([
      [M0, 1, 10],
      [M1, 1, 20],
      ['2026-11-21T10:02Z', 1, 40],
    ]);
  });
});
