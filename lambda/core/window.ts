/** Per-minute window of one device: count, cpu/memory sum + max, downCount; expires after the retention. */

import type { BatchRecord } from './batch-record.ts';
import { addExact } from './exact-sum.ts';
import { DOWN_STATUS, type WindowItem, windowKey } from './items.ts';
import { advanceWatermarks, unfolded } from './watermark.ts';

export interface WindowPlan {
  item: WindowItem;
  expectedVersion: number | null;
}

const DAY_SECONDS = 86_400;

/** Window end + retention, in epoch seconds (the table's TTL attribute). */
export const windowExpiresAt = (start: string, retentionDays: number): number =>
  Math.floor(Date.parse(start) / 1000) + 60 + Math.round(retentionDays * DAY_SECONDS);

export const planWindow = (
  deviceId: string,
  start: string,
  current: WindowItem | undefined,
  records: readonly BatchRecord[],
  retentionDays: number,
): WindowPlan | null => {
  const fresh = unfolded(current?.offsets, records);
  const first = fresh[0];
  if (first === undefined) return null;
  let { count, cpuSum, cpuMax, memorySum, memoryMax, downCount } = current ?? {
    count: 0,
    cpuSum: 0,
    cpuMax: first.record.cpuUsage,
    memorySum: 0,
    memoryMax: first.record.memoryUsage,
    downCount: 0,
  };
  for (const { record } of fresh) {
    count += 1;
    cpuSum = addExact(cpuSum, record.cpuUsage);
    cpuMax = Math.max(cpuMax, record.cpuUsage);
    memorySum = addExact(memorySum, record.memoryUsage);
    memoryMax = Math.max(memoryMax, record.memoryUsage);
    if (record.status === DOWN_STATUS) downCount += 1;
  }
  return {
    item: {
      ...windowKey(deviceId, start),
      deviceId,
      start,
      count,
      cpuSum,
      cpuMax,
      memorySum,
      memoryMax,
      downCount,
      offsets: advanceWatermarks(current?.offsets, fresh),
      version: (current?.version ?? 0) + 1,
      expiresAt: windowExpiresAt(start, retentionDays),
    },
    expectedVersion: current?.version ?? null,
  };
};
