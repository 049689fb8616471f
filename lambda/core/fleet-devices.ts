/**
 * Fleet device counts: each device contributes (model, status) to one of 16 shards. A device whose contribution
 * changes is written in one transaction with its shard, so the counts move exactly when the device does.
 */
import { DOWN_STATUS, type FleetDevicesItem, fleetDevicesKey } from './items.ts';

export interface FleetContribution {
  model: string;
  status: string;
}

export interface FleetDelta {
  devices: number;
  byStatus: Record<string, number>;
  byModelDevices: Record<string, number>;
  byModelDown: Record<string, number>;
}

export const emptyDelta = (): FleetDelta => ({
  devices: 0,
  byStatus: {},
  byModelDevices: {},
  byModelDown: {},
});

const bump = (map: Record<string, number>, key: string, by: number) => {
  map[key] = (map[key] ?? 0) + by;
};

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

const merge = (
  base: Record<string, number> | undefined,
  change: Record<string, number>,
): Record<string, number> => {
  const out: Record<string, number> = { ...base };
  for (const [key, by] of Object.entries(change)) {
    const value = (out[key] ?? 0) + by;
    if (value === 0) delete out[key];
    else out[key] = value;
  }
  return out;
};

export const applyFleetDelta = (
  shard: number,
  current: FleetDevicesItem | undefined,
  delta: FleetDelta,
): FleetDevicesItem => ({
  ...fleetDevicesKey(shard),
  devices: (current?.devices ?? 0) + delta.devices,
  byStatus: merge(current?.byStatus, delta.byStatus),
  byModelDevices: merge(current?.byModelDevices, delta.byModelDevices),
  byModelDown: merge(current?.byModelDown, delta.byModelDown),
  version: (current?.version ?? 0) + 1,
});
