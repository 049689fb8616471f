/**
 * Per-item planners bound to one batch: the first plan and every re-plan after a conditional-write conflict use them
 * (a window item alone, a device together with the window items of its batch minutes, a partition's record counts).
 */

import { type DevicePlan, planDevice } from '#core/device.ts';
import { type FleetRecordsPlan, planFleetRecords } from '#core/fleet-records.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { deviceKey, type ItemKey, itemId, windowKey } from '#core/items/keys.ts';
import { itemIn, type StateItem } from '#core/items/state-item.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { Registry } from '#core/registry.ts';
import type { Rule } from '#core/rules.ts';
import { sameIncarnation } from '#core/watermark.ts';
import { planMinuteWindow } from '#core/window/closed.ts';
import type { WindowPlan } from '#core/window/context.ts';
import type { BatchGroups } from './group.ts';
import { minutesOf } from './read-keys.ts';

export interface PlanContext {
  rules: readonly Rule[];
  /** The registry row of a device in this batch, null when it has none. */
  registryOf: (deviceId: string) => Registry | null;
  windowRetentionDays: number;
  /** Incarnation of the topic the batch comes from (watermark.ts `incarnationOf`). */
  source: string;
  /** Processing-clock epoch ms of the batch (device items' `processedAt`). @default none */
  nowMs?: number;
}

/** Per-item planners bound to one batch: used for the first plan and to re-plan an item after a conflict. */
export interface BatchPlanner {
  readonly groups: BatchGroups;
  /** The device and the window items of its minutes in this batch: what `device` needs read. */
  deviceKeys(deviceId: string): ItemKey[];
  /** `items`: what was read (at least `deviceKeys`); absent = does not exist. */
  device(deviceId: string, items: ReadonlyMap<string, StateItem>): DevicePlan | null;
  /** Re-plans a window write after a conflict, from the item as now read. */
  window(planned: WindowPlan, current: WindowItem | undefined): WindowPlan | null;
  fleetRecords(partitionId: string, current: FleetItem | undefined): FleetRecordsPlan | null;
}

export const createPlanner = (groups: BatchGroups, context: PlanContext): BatchPlanner => ({
  groups,
  deviceKeys: (deviceId) => [
    deviceKey(deviceId),
    ...minutesOf(groups.devices.get(deviceId) ?? []).map((start) => windowKey(deviceId, start)),
  ],
  device: (deviceId, items) =>
    planDevice(deviceId, itemIn(items, deviceKey(deviceId)), groups.devices.get(deviceId) ?? [], {
      rules: context.rules,
      registry: context.registryOf(deviceId),
      windowOf: (start) => itemIn(items, windowKey(deviceId, start)),
      windowRetentionDays: context.windowRetentionDays,
      source: context.source,
      now: context.nowMs,
    }),
  window: (planned, current) => {
    const { deviceId, start } = planned.item;
    const records = groups.windows.get(itemId(planned.item))?.records ?? [];
    const next = planMinuteWindow(
      { deviceId, retentionDays: context.windowRetentionDays, source: context.source },
      { start, stored: current, records },
      planned.device,
    );
    return next && (planned.device ? { ...next, device: planned.device } : next);
  },
  fleetRecords: (partitionId, current) => {
    const group = groups.partitions.get(partitionId);
    if (!group) return null;
    // A fleet item folded from another incarnation of the topic keeps its counts but starts a fresh watermark.
    const base =
      current && !sameIncarnation(current.source, context.source) ? { ...current, offset: -1 } : current;
    const planned = planFleetRecords(group.topic, group.partition, base, group.records);
    return planned && { ...planned, item: { ...planned.item, source: context.source } };
  },
});
