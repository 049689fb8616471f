/**
 * Fleet device counts: each device contributes (model, status) to one of 16 shards. A device whose contribution
 * changes is written in one transaction with its shard, so the counts move exactly when the device does.
 * Models and statuses are data: the delta is kept in Maps and merged into bounded, escaped maps (data-map.ts).
 */
import { bump, mergeCounts } from './data-map.ts';
import { DOWN_STATUS, type FleetDevicesItem, fleetDevicesKey } from './items.ts';

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

export const applyFleetDelta = (
  shard: number,
  current: FleetDevicesItem | undefined,
  delta: FleetDelta,
): FleetDevicesItem => ({
  ...fleetDevicesKey(shard),
  devices: (current?.devices ?? 0) + delta.devices,
  byStatus: mergeCounts(current?.byStatus, delta.byStatus),
  byModelDevices: mergeCounts(current?.byModelDevices, delta.byModelDevices),
  byModelDown: mergeCounts(current?.byModelDown, delta.byModelDown),
  version: (current?.version ?? 0) + 1,
});
