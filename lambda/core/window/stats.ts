/** Per-minute window statistics: count, cpu/memory sum + max, downCount; folding records in and merging two parts. */
import type { BatchRecord } from '#core/batch-record.ts';
import { addExact } from '#core/exact-sum.ts';
import { DOWN_STATUS } from '#core/items/device.ts';
import type { WindowStats } from '#core/items/window.ts';

/** All zeros: the identity of mergeStats, as cpu and memory are never negative. */
export const EMPTY_STATS: WindowStats = {
  count: 0,
  cpuSum: 0,
  cpuMax: 0,
  memorySum: 0,
  memoryMax: 0,
  downCount: 0,
};

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
