/** The writes and alerts of a whole batch, planned item by item (write-plan writes them). */
import type { DevicePlan } from '#core/device.ts';
import type { FleetRecordsPlan } from '#core/fleet-records.ts';
import type { AlertItem, AlertResolve } from '#core/items/alert.ts';
import { fleetItemKey } from '#core/items/keys.ts';
import { itemIn, type StateItem } from '#core/items/state-item.ts';
import type { WindowPlan } from '#core/window/context.ts';
import type { BatchPlanner } from './planner.ts';

export interface BatchPlan {
  alerts: AlertItem[];
  /** Open episodes the batch ends (device-alerting.ts). */
  resolves: AlertResolve[];
  fleetRecords: FleetRecordsPlan[];
  /** Window items written on their own (every device's `late`); the others travel with their device. */
  windows: WindowPlan[];
  devices: DevicePlan[];
}

/** The writes and alerts for the whole batch, given the items read (absent = does not exist yet). */
export const planBatch = (planner: BatchPlanner, items: ReadonlyMap<string, StateItem>): BatchPlan => {
  const plan: BatchPlan = { alerts: [], resolves: [], fleetRecords: [], windows: [], devices: [] };
  for (const [partitionId, group] of planner.groups.partitions) {
    const planned = planner.fleetRecords(
      partitionId,
      itemIn(items, fleetItemKey(group.topic, group.partition)),
    );
    if (planned) plan.fleetRecords.push(planned);
  }
  for (const deviceId of planner.groups.devices.keys()) {
    const planned = planner.device(deviceId, items);
    if (!planned) continue;
    plan.devices.push(planned);
    plan.windows.push(...planned.late);
    plan.alerts.push(...planned.alerts);
    plan.resolves.push(...planned.resolves);
  }
  return plan;
};
