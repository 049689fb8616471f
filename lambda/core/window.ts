/** Per-minute window of one device: count, cpu/memory sum + max, downCount; expires after the retention. */

import type { BatchRecord } from './batch-record.ts';
import { addExact } from './exact-sum.ts';
import { type DeviceItem, DOWN_STATUS } from './items/device.ts';
import { windowKey } from './items/keys.ts';
import type { WindowItem, WindowStats } from './items/window.ts';
import { advanceWatermarks, unfolded, watermarksFor } from './watermark.ts';

export interface WindowPlan {
  item: WindowItem;
  expectedVersion: number | null;
  /** The device item it was planned with, when that device's closed window may belong in it (closed-window.ts). */
  device?: DeviceItem;
}

const DAY_SECONDS = 86_400;

/** Window end + retention, in epoch seconds (the table's TTL attribute). */
export const windowExpiresAt = (start: string, retentionDays: number): number =>
  Math.floor(Date.parse(start) / 1000) + 60 + Math.round(retentionDays * DAY_SECONDS);

/** Just the statistics of a window (item or open window). */
export const statsOf = (w: WindowStats): WindowStats => ({
  count: w.count,
  cpuSum: w.cpuSum,
  cpuMax: w.cpuMax,
  memorySum: w.memorySum,
  memoryMax: w.memoryMax,
  downCount: w.downCount,
});

/** Folds records into the statistics (undefined = empty window); undefined when both are empty. */
export const foldStats = (
  base: WindowStats | undefined,
  records: readonly BatchRecord[],
): WindowStats | undefined => {
  const first = records[0];
  if (first === undefined) return base && statsOf(base);
  const acc = base ? statsOf(base) : seed(first);
  for (const { record } of records) {
    acc.count += 1;
    acc.cpuSum = addExact(acc.cpuSum, record.cpuUsage);
    acc.cpuMax = Math.max(acc.cpuMax, record.cpuUsage);
    acc.memorySum = addExact(acc.memorySum, record.memoryUsage);
    acc.memoryMax = Math.max(acc.memoryMax, record.memoryUsage);
    if (record.status === DOWN_STATUS) acc.downCount += 1;
  }
  return acc;
};

const seed = (first: BatchRecord): WindowStats => ({
  count: 0,
  cpuSum: 0,
  cpuMax: first.record.cpuUsage,
  memorySum: 0,
  memoryMax: first.record.memoryUsage,
  downCount: 0,
});

/** Statistics of two disjoint parts of one window (order-independent: sums are exact). */
export const mergeStats = (
  a: WindowStats | undefined,
  b: WindowStats | undefined,
): WindowStats | undefined => {
  if (a === undefined || b === undefined) return (a ?? b) && statsOf((a ?? b) as WindowStats);
  return {
    count: a.count + b.count,
    cpuSum: addExact(a.cpuSum, b.cpuSum),
    cpuMax: Math.max(a.cpuMax, b.cpuMax),
    memorySum: addExact(a.memorySum, b.memorySum),
    memoryMax: Math.max(a.memoryMax, b.memoryMax),
    downCount: a.downCount + b.downCount,
  };
};

export const planWindow = (
  deviceId: string,
  start: string,
  current: WindowItem | undefined,
  records: readonly BatchRecord[],
  retentionDays: number,
  source: string,
): WindowPlan | null => {
  const watermark = watermarksFor(current, source);
  const fresh = unfolded(watermark, records);
  const stats = foldStats(current, fresh);
  if (fresh.length === 0 || stats === undefined) return null;
  // Still holds the device's closed window it was copied from, if it was (closed-window.ts).
  return windowWrite(
    deviceId,
    start,
    current,
    { stats, offsets: advanceWatermarks(watermark, fresh) },
    {
      retentionDays,
      source,
      closedAt: current?.closedAt,
    },
  );
};

/** The write of a window item's new content, conditional on the version read (or on its absence). */
export const windowWrite = (
  deviceId: string,
  start: string,
  current: WindowItem | undefined,
  next: { stats: WindowStats; offsets: WindowItem['offsets'] },
  options: { retentionDays: number; source: string; closedAt: number | undefined },
): WindowPlan => ({
  item: {
    ...windowKey(deviceId, start),
    deviceId,
    start,
    ...next.stats,
    source: options.source,
    offsets: next.offsets,
    ...(options.closedAt !== undefined ? { closedAt: options.closedAt } : {}),
    version: (current?.version ?? 0) + 1,
    expiresAt: windowExpiresAt(start, options.retentionDays),
  },
  expectedVersion: current?.version ?? null,
});
