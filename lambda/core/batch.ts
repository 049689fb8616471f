/**
 * "Plan a batch": group the batch's valid records by the item they fold into, list the keys to read, and — given
 * the items read, the rules and the registry — compute the items to write (only touched ones) and the alerts.
 * The same planners re-plan after a conditional-write conflict: a window item alone, or a device together with
 * the window items of its batch minutes (which minute is open decides where each record goes).
 */
import type { BatchRecord } from './batch-record.ts';
import { planMinuteWindow } from './closed-window.ts';
import { type DevicePlan, planDevice } from './device.ts';
import { type FleetRecordsPlan, planFleetRecords } from './fleet-records.ts';
import {
  type AlertItem,
  type DeviceItem,
  deviceKey,
  type FleetRecordsItem,
  fleetRecordsKey,
  type ItemKey,
  type Registry,
  type Rule,
  sourceKey,
  type WindowItem,
  windowKey,
  windowStart,
} from './items.ts';
import { sameIncarnation } from './watermark.ts';
import type { WindowPlan } from './window.ts';

export type StateItem = DeviceItem | WindowItem | FleetRecordsItem;

/** A map key for an item key. */
export const itemId = (key: ItemKey): string => `${key.pk}\n${key.sk}`;

export interface WindowGroup {
  deviceId: string;
  start: string;
  records: BatchRecord[];
}

export interface PartitionGroup {
  topic: string;
  partition: number;
  records: BatchRecord[];
}

export interface BatchGroups {
  /** deviceId → records. */
  devices: Map<string, BatchRecord[]>;
  /** itemId(window key) → group. */
  windows: Map<string, WindowGroup>;
  /** itemId(fleet records key) → group. */
  partitions: Map<string, PartitionGroup>;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** Groups records by target item. A record delivered twice in one batch is kept once. */
export const groupBatch = (records: readonly BatchRecord[]): BatchGroups => {
  const seen = new Set<string>();
  const groups: BatchGroups = { devices: new Map(), windows: new Map(), partitions: new Map() };
  for (const r of records) {
    const position = `${sourceKey(r.topic, r.partition)}@${r.offset}`;
    if (seen.has(position)) continue;
    seen.add(position);
    const { deviceId } = r.record;
    push(groups.devices, deviceId, r);
    const start = windowStart(r.record.eventTimeMs);
    const windowId = itemId(windowKey(deviceId, start));
    const window = groups.windows.get(windowId) ?? { deviceId, start, records: [] };
    window.records.push(r);
    groups.windows.set(windowId, window);
    const partitionId = itemId(fleetRecordsKey(r.topic, r.partition));
    const partition = groups.partitions.get(partitionId) ?? {
      topic: r.topic,
      partition: r.partition,
      records: [],
    };
    partition.records.push(r);
    groups.partitions.set(partitionId, partition);
  }
  return groups;
};

/**
 * The first read: devices and the fleet items of the batch's partitions (record counts, and the device counts a
 * device whose contribution changes is written with). Window items are read afterwards, only those that can exist
 * (`windowKeysToRead`).
 */
export const keysToRead = (groups: BatchGroups): ItemKey[] => [
  ...[...groups.devices.keys()].map(deviceKey),
  ...[...groups.partitions.values()].map((p) => fleetRecordsKey(p.topic, p.partition)),
];

/**
 * The batch's window items that can exist, given the device items read. A window item is only ever written for a
 * minute before its device's open minute (a closed minute, or a late one), and devices are never deleted: a device
 * that does not exist has none, and no minute at or after the open one has one. A device from before open windows
 * existed may have any. Reading only these is exact under concurrency too: an item taken as absent is written
 * conditionally on its absence, in the transaction of the device version it was planned from, and a device conflict
 * re-reads every minute (`deviceKeys`). A device that closes its open minute in this batch also has that minute read
 * (a window item of it would have to be merged in the device's transaction: only older versions wrote one) and the
 * minute of its closed window (its copy must be written before the close replaces it; closed-window.ts).
 */
export const windowKeysToRead = (groups: BatchGroups, devices: ReadonlyMap<string, StateItem>): ItemKey[] => {
  const keys = new Map<string, ItemKey>();
  const add = (deviceId: string, start: string) => {
    const key = windowKey(deviceId, start);
    keys.set(itemId(key), key);
  };
  for (const { deviceId, start } of groups.windows.values()) {
    const device = read<DeviceItem>(devices, deviceKey(deviceId));
    if (device === undefined) continue;
    const open = device.openWindow?.start;
    if (open === undefined || start < open) add(deviceId, start);
    if (open !== undefined && start > open) {
      add(deviceId, open);
      if (device.closedWindow) add(deviceId, device.closedWindow.start);
    }
  }
  return [...keys.values()];
};

export interface PlanContext {
  rules: readonly Rule[];
  /** The registry row of a device in this batch, null when it has none. */
  registryOf: (deviceId: string) => Registry | null;
  windowRetentionDays: number;
  /** Incarnation of the topic the batch comes from (watermark.ts `incarnationOf`). */
  source: string;
}

/** The minutes (window starts) of a device's records in the batch. */
export const minutesOf = (records: readonly BatchRecord[]): string[] => [
  ...new Set(records.map((r) => windowStart(r.record.eventTimeMs))),
];

/** Per-item planners bound to one batch: used for the first plan and to re-plan an item after a conflict. */
export interface BatchPlanner {
  readonly groups: BatchGroups;
  /** The device and the window items of its minutes in this batch: what `device` needs read. */
  deviceKeys(deviceId: string): ItemKey[];
  /** `items`: what was read (at least `deviceKeys`); absent = does not exist. */
  device(deviceId: string, items: ReadonlyMap<string, StateItem>): DevicePlan | null;
  /** Re-plans a window write after a conflict, from the item as now read. */
  window(planned: WindowPlan, current: WindowItem | undefined): WindowPlan | null;
  fleetRecords(partitionId: string, current: FleetRecordsItem | undefined): FleetRecordsPlan | null;
}

export const createPlanner = (groups: BatchGroups, context: PlanContext): BatchPlanner => ({
  groups,
  deviceKeys: (deviceId) => [
    deviceKey(deviceId),
    ...minutesOf(groups.devices.get(deviceId) ?? []).map((start) => windowKey(deviceId, start)),
  ],
  device: (deviceId, items) =>
    planDevice(deviceId, read(items, deviceKey(deviceId)), groups.devices.get(deviceId) ?? [], {
      rules: context.rules,
      registry: context.registryOf(deviceId),
      windowOf: (start) => read(items, windowKey(deviceId, start)),
      windowRetentionDays: context.windowRetentionDays,
      source: context.source,
    }),
  window: (planned, current) => {
    const { deviceId, start } = planned.item;
    const records = groups.windows.get(itemId(planned.item))?.records ?? [];
    const next = planMinuteWindow(
      deviceId,
      start,
      current,
      planned.device,
      records,
      context.windowRetentionDays,
      context.source,
    );
    return next && (planned.device ? { ...next, device: planned.device } : next);
  },
  fleetRecords: (partitionId, current) => {
    const group = groups.partitions.get(partitionId);
    if (!group) return null;
    // A shard folded from another incarnation of the topic keeps its counts but starts a fresh watermark.
    const base =
      current && !sameIncarnation(current.source, context.source) ? { ...current, offset: -1 } : current;
    const planned = planFleetRecords(group.topic, group.partition, base, group.records);
    return planned && { ...planned, item: { ...planned.item, source: context.source } };
  },
});

export interface BatchPlan {
  alerts: AlertItem[];
  fleetRecords: FleetRecordsPlan[];
  /** Window items written on their own (every device's `late`); the others travel with their device. */
  windows: WindowPlan[];
  devices: DevicePlan[];
}

function read<T extends StateItem>(items: ReadonlyMap<string, StateItem>, key: ItemKey): T | undefined {
  return items.get(itemId(key)) as T | undefined;
}

/** The writes and alerts for the whole batch, given the items read (absent = does not exist yet). */
export const planBatch = (planner: BatchPlanner, items: ReadonlyMap<string, StateItem>): BatchPlan => {
  const plan: BatchPlan = { alerts: [], fleetRecords: [], windows: [], devices: [] };
  for (const [partitionId, group] of planner.groups.partitions) {
    const planned = planner.fleetRecords(
      partitionId,
      read(items, fleetRecordsKey(group.topic, group.partition)),
    );
    if (planned) plan.fleetRecords.push(planned);
  }
  for (const deviceId of planner.groups.devices.keys()) {
    const planned = planner.device(deviceId, items);
    if (!planned) continue;
    plan.devices.push(planned);
    plan.windows.push(...planned.late);
    plan.alerts.push(...planned.alerts);
  }
  return plan;
};
