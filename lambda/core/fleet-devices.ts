/**
 * Fleet device counts. A device whose contribution (exists, model, status) changes is written in one transaction
 * with the fleet item of a source partition of its records (fleet-records.ts), which adds the change: the counts move
 * exactly when the device does. A partition's item is written only by the invocation reading that partition, so
 * devices of different partitions never contend for a counter; readers sum every partition's item (an item's counts
 * can be negative: a device counted through one partition may change through another).
 * Models and statuses are data: the delta is kept in Maps and merged into bounded, escaped maps (data-map.ts).
 */
import type { BatchRecord } from './batch-record.ts';
import { bump, mergeCounts } from './data-map.ts';
import { DOWN_STATUS } from './items/device.ts';
import type { FleetItem } from './items/fleet.ts';
import { fleetItemKey, type ItemKey } from './items/keys.ts';

export interface FleetContribution {
  model: string;
  status: string;
}

export interface FleetDelta {
  devices: number;
  byStatus: Map<string, number>;
  byModelDevices: Map<string, number>;
  byModelDown: Map<string, number>;
}

export const emptyDelta = (): FleetDelta => ({
  devices: 0,
  byStatus: new Map(),
  byModelDevices: new Map(),
  byModelDown: new Map(),
});

const addContribution = (delta: FleetDelta, c: FleetContribution, sign: 1 | -1) => {
  delta.devices += sign;
  bump(delta.byStatus, c.status, sign);
  bump(delta.byModelDevices, c.model, sign);
  if (c.status === DOWN_STATUS) bump(delta.byModelDown, c.model, sign);
};

export const sameContribution = (a: FleetContribution | null, b: FleetContribution): boolean =>
  a !== null && a.model === b.model && a.status === b.status;

/** Adds the change from `before` (null = new device) to `after` into `delta`. */
export const accumulateDelta = (
  delta: FleetDelta,
  before: FleetContribution | null,
  after: FleetContribution,
) => {
  if (before !== null) addContribution(delta, before, -1);
  addContribution(delta, after, 1);
};

/**
 * The partition whose fleet item counts a device's change: the lowest partition among its records in the batch.
 * Any of them would do (readers sum all partitions); a fixed choice keeps a batch's devices grouped.
 */
export const countingPartitionKey = (
  records: readonly BatchRecord[],
): ItemKey & { topic: string; partition: number } => {
  const [first, ...rest] = records;
  if (first === undefined) throw new Error('a device plan without records has no counting partition');
  const lowest = rest.reduce((low, r) => (r.partition < low.partition ? r : low), first);
  return {
    ...fleetItemKey(lowest.topic, lowest.partition),
    topic: lowest.topic,
    partition: lowest.partition,
  };
};

/**
 * The partition's fleet item with a device-count delta added (a new version). Absent only if the partition's record
 * counts were never written, which the write order rules out; then it starts empty, with no watermark.
 */
export const applyFleetDelta = (
  at: { topic: string; partition: number },
  current: FleetItem | undefined,
  delta: FleetDelta,
): FleetItem => {
  const base: FleetItem = current ?? {
    ...fleetItemKey(at.topic, at.partition),
    topic: at.topic,
    partition: at.partition,
    records: 0,
    byModel: {},
    offset: -1,
    version: 0,
  };
  return {
    ...base,
    devices: (base.devices ?? 0) + delta.devices,
    byStatus: mergeCounts(base.byStatus, delta.byStatus),
    byModelDevices: mergeCounts(base.byModelDevices, delta.byModelDevices),
    byModelDown: mergeCounts(base.byModelDown, delta.byModelDown),
    version: base.version + 1,
  };
};
