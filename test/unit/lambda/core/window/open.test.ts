import { describe, expect, it } from 'vitest';
import type { BatchRecord } from '#core/batch-record.ts';
import { planDevice } from '#core/device.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { windowKey } from '#core/items/keys.ts';
import type { WindowItem } from '#core/items/window.ts';
import { windowExpiresAt } from '#core/window/fold.ts';
import { windowsInRange } from '#core/window/read.ts';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const rec = (second: number, offset: number, cpuUsage = 10, partition = 0): BatchRecord => ({
  topic: 't',
  partition,
  offset,
  record: {
    deviceId: 'd1',
    model: 'EVG2000',
    interface: 'eth0',
    status: cpuUsage > 50 ? 'down' : 'up',
    cpuUsage,
    memoryUsage: 100 + offset,
    eventTime: new Date(T0 + second * 1000).toISOString(),
    eventTimeMs: T0 + second * 1000,
  },
});
const plan = (current: DeviceItem | undefined, records: BatchRecord[], windows: WindowItem[] = []) =>
  planDevice('d1', current, records, {
    rules: [],
    registry: null,
    windowOf: (start) => windows.find((w) => w.start === start),
    windowRetentionDays: 7,
  });
const M0 = '2026-11-21T10:00Z';
const M1 = '2026-11-21T10:01Z';
const M2 = '2026-11-21T10:02Z';
const M3 = '2026-11-21T10:03Z';

describe('open window (the device latest minute, inside the device item)', () => {
  it('folds records of the latest minute into the device item, with no window item', () => {
    const first = plan(undefined, [rec(1, 0, 20), rec(2, 1, 60)]);
    expect(first?.item.openWindow).toEqual({
      start: M0,
      count: 2,
      cpuSum: 80,
      cpuMax: 60,
      memorySum: 201,
      memoryMax: 101,
      downCount: 1,
      offsets: { 0: 1 },
    });
    expect([first?.late, first?.withDevice]).toEqual([[], []]);
    const more = plan(first?.item, [rec(30, 2, 5)]);
    expect(more?.item.openWindow).toMatchObject({ start: M0, count: 3, cpuSum: 85, offsets: { 0: 2 } });
    expect(more?.withDevice).toEqual([]);
  });

  it('closes the open minute into a window item when a later minute arrives; minutes in between are items', () => {
    const first = plan(undefined, [rec(1, 0, 20)]);
    const next = plan(first?.item, [rec(5, 1, 30), rec(70, 2, 1), rec(130, 3, 2), rec(140, 4, 3)]);
    // The closed minute and the minute passed over go in the device's transaction.
    expect(next?.withDevice[0]).toEqual({
      item: expect.objectContaining({
        ...windowKey('d1', M0),
        count: 2,
        cpuSum: 50,
        cpuMax: 30,
        offsets: { 0: 1 },
        version: 1,
      }),
      expectedVersion: null,
    });
    expect(next?.withDevice.slice(1).map((w) => [w.item.start, w.item.count, w.expectedVersion])).toEqual([
      [M1, 1, null],
    ]);
    expect(next?.late).toEqual([]);
    expect(next?.item.openWindow).toMatchObject({ start: M2, count: 2, cpuSum: 5, offsets: { 0: 4 } });
  });

  it('sends a late record to its closed minute window item (by that item watermark); the open minute stays', () => {
    const first = plan(undefined, [rec(1, 0), rec(70, 1)]);
    const closedItem = first?.withDevice[0]?.item as WindowItem;
    const late = plan(first?.item, [rec(2, 2, 40)], [closedItem]);
    expect(late?.late).toEqual([
      {
        item: expect.objectContaining({ start: M0, count: 2, cpuSum: 50, version: 2 }),
        expectedVersion: 1,
        device: first?.item,
      },
    ]);
    expect(late?.withDevice).toEqual([]);
    expect(late?.item.openWindow).toEqual(first?.item.openWindow);
  });

  it('never folds a record twice when a window item of the open or closing minute already holds it', () => {
    // An earlier attempt wrote M1 as a window item (offset 1) and crashed before its device write.
    const first = plan(undefined, [rec(1, 0)]);
    const orphan = plan(first?.item, [rec(70, 1, 7), rec(130, 2)])?.withDevice[1]?.item as WindowItem;
    expect(orphan.start).toBe(M1);
    // A shorter re-delivery opens M1: offset 1 is already in the item, offset 5 of partition 1 is not.
    const retry = plan(first?.item, [rec(70, 1, 7), rec(75, 5, 9, 1)], [orphan]);
    expect(retry?.item.recordCount).toBe(3);
    expect(retry?.item.openWindow).toMatchObject({ start: M1, count: 1, cpuSum: 9, offsets: { 1: 5 } });
    // M0, closed by this retry, is in the device item (its closed window) until its copy is written.
    expect(retry?.item.closedWindow).toMatchObject({ start: M0, count: 1, at: 2 });
    expect(
      windowsInRange([orphan], retry?.item, { from: M0, to: M1 }).map((w) => [w.start, w.count, w.cpuSum]),
    ).toEqual([
      [M0, 1, 10],
      [M1, 2, 16],
    ]);
    // Closing M1 merges both places into the item, with the higher watermark per partition.
    const close = plan(retry?.item, [rec(70, 1, 7), rec(190, 2)], [orphan]);
    expect(close?.withDevice[0]).toEqual({
      item: expect.objectContaining({ start: M1, count: 2, cpuSum: 16, offsets: { 0: 1, 1: 5 } }),
      expectedVersion: orphan.version,
    });
    expect(close?.item.openWindow?.start).toBe(M3);
  });
});

describe('windowsInRange', () => {
  const item = (start: string, count: number): WindowItem => ({
    ...windowKey('d1', start),
    deviceId: 'd1',
    start,
    count,
    cpuSum: count * 10,
    cpuMax: 10,
    memorySum: count,
    memoryMax: 1,
    downCount: 0,
    offsets: {},
    version: 1,
    expiresAt: 0,
  });
  const device = plan(undefined, [rec(125, 0, 50), rec(126, 1, 70)])?.item;

  it('merges window items with the open window, sorted, within [from, to] rounded down to the minute', () => {
    const windows = windowsInRange([item(M1, 2), item(M0, 1)], device, {
      from: '2026-11-21T10:00:59.999Z',
      to: M2,
    });
    expect(windows).toEqual([
      { start: M0, count: 1, cpuSum: 10, cpuMax: 10, memorySum: 1, memoryMax: 1, downCount: 0 },
      { start: M1, count: 2, cpuSum: 20, cpuMax: 10, memorySum: 2, memoryMax: 1, downCount: 0 },
      { start: M2, count: 2, cpuSum: 120, cpuMax: 70, memorySum: 201, memoryMax: 101, downCount: 1 },
    ]);
    expect(windowsInRange([item(M0, 1)], device, { from: M1, to: '2026-11-21T10:01:30Z' })).toEqual([]);
    expect(windowsInRange([], undefined, { from: M0, to: M3 })).toEqual([]);
  });

  it('adds a closed window its item does not hold, until the item would have expired', () => {
    const closed = plan(device, [rec(190, 2, 30)])?.item;
    const closedWindow = closed?.closedWindow;
    if (closedWindow === undefined) throw new Error('fixture: no closed window');
    expect(closedWindow.expiresAt).toBe(windowExpiresAt(M2, 7));
    const counts = (nowSeconds: number) =>
      windowsInRange([], closed, { from: M0, to: M3 }, nowSeconds).map((w) => [w.start, w.count]);
    expect(counts(closedWindow.expiresAt - 1)).toEqual([
      [M2, 2],
      [M3, 1],
    ]);
    // A device gone quiet keeps its closed window; once its item's TTL has passed, the minute is gone as the item is.
    expect(counts(closedWindow.expiresAt)).toEqual([[M3, 1]]);
  });

  it('rejects a bound that is not a time', () => {
    expect(() => windowsInRange([], device, { from: 'yesterday', to: M1 })).toThrow(
      'from is not an ISO time: "yesterday"',
    );
  });
});
