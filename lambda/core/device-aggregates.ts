/** Lifetime aggregates of one device: order-independent folds (count, min/max/sum, first/last seen, interfaces). */

import { addExact } from './exact-sum.ts';
import { type DeviceItem, DOWN_STATUS } from './items/device.ts';
import type { TelemetryRecord } from './record.ts';

/** The lifetime-aggregate fields of a device item. */
export type DeviceAggregates = Pick<
  DeviceItem,
  | 'firstSeen'
  | 'lastSeen'
  | 'recordCount'
  | 'downCount'
  | 'cpuMin'
  | 'cpuMax'
  | 'cpuSum'
  | 'memoryMin'
  | 'memoryMax'
  | 'memorySum'
  | 'interfaces'
  | 'interfacesOverflow'
>;

/** Interface names kept per device: the smallest ones, so the list is the same whatever the order of folds. */
export const MAX_INTERFACES = 64;

const seed = (r: TelemetryRecord): DeviceAggregates => ({
  firstSeen: r.eventTime,
  lastSeen: r.eventTime,
  recordCount: 0,
  downCount: 0,
  cpuMin: r.cpuUsage,
  cpuMax: r.cpuUsage,
  cpuSum: 0,
  memoryMin: r.memoryUsage,
  memoryMax: r.memoryUsage,
  memorySum: 0,
  interfaces: [],
});

// Canonical ISO times (four-digit years, UTC, ms) sort lexicographically in time order.
const earlier = (a: string, b: string): string => (a <= b ? a : b);
const later = (a: string, b: string): string => (a >= b ? a : b);

export const foldAggregates = (
  previous: DeviceAggregates | undefined,
  records: readonly TelemetryRecord[],
): DeviceAggregates | undefined => {
  const first = records[0];
  if (first === undefined) return previous;
  const acc = previous ? { ...previous } : seed(first);
  const interfaces = new Set(acc.interfaces);
  for (const r of records) {
    acc.firstSeen = earlier(acc.firstSeen, r.eventTime);
    acc.lastSeen = later(acc.lastSeen, r.eventTime);
    acc.recordCount += 1;
    if (r.status === DOWN_STATUS) acc.downCount += 1;
    acc.cpuMin = Math.min(acc.cpuMin, r.cpuUsage);
    acc.cpuMax = Math.max(acc.cpuMax, r.cpuUsage);
    acc.cpuSum = addExact(acc.cpuSum, r.cpuUsage);
    acc.memoryMin = Math.min(acc.memoryMin, r.memoryUsage);
    acc.memoryMax = Math.max(acc.memoryMax, r.memoryUsage);
    acc.memorySum = addExact(acc.memorySum, r.memoryUsage);
    interfaces.add(r.interface);
  }
  // Bounded item: a device reporting thousands of interface names keeps MAX_INTERFACES and counts the rest.
  acc.interfaces = [...interfaces].sort().slice(0, MAX_INTERFACES);
  if (interfaces.size > MAX_INTERFACES) {
    const kept = new Set(acc.interfaces);
    const dropped = records.filter((r) => !kept.has(r.interface)).length;
    acc.interfacesOverflow = (acc.interfacesOverflow ?? 0) + dropped;
  }
  return acc;
};
