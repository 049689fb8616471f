/** Which items a batch reads, in two reads: devices and fleet items first, then the window items that can exist. */
import type { BatchRecord } from '#core/batch-record.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey, fleetItemKey, type ItemKey, itemId, windowKey, windowStart } from '#core/items/keys.ts';
import { itemIn, type StateItem } from '#core/items/state-item.ts';
import type { BatchGroups } from './group.ts';

/**
 * The first read: devices and the fleet items of the batch's partitions (record counts, and the device counts a
 * device whose contribution changes is written with). Window items are read afterwards, only those that can exist
 * (`windowKeysToRead`).
 */
export const keysToRead = (groups: BatchGroups): ItemKey[] => [
  ...[...groups.devices.keys()].map(deviceKey),
  ...[...groups.partitions.values()].map((p) => fleetItemKey(p.topic, p.partition)),
];

/**
 * The batch's window items that can exist, given the device items read. A window item is only ever written for a
 * minute before its device's open minute (a closed minute, or a late one), and devices are never deleted: a device
 * that does not exist has none, and no minute at or after the open one has one. A device from before open windows
 * existed may have any. Reading only these is exact under concurrency too: an item taken as absent is written
 * conditionally on its absence, in the transaction of the device version it was planned from, and a device conflict
 * re-reads every minute (`deviceKeys`). A device that closes its open minute in this batch also has that minute read
 * (a window item of it would have to be merged in the device's transaction: only older versions wrote one) and the
 * minute of its closed window (its copy must be written before the close replaces it; window/closed.ts).
 */
export const windowKeysToRead = (groups: BatchGroups, devices: ReadonlyMap<string, StateItem>): ItemKey[] => {
  const keys = new Map<string, ItemKey>();
  const add = (deviceId: string, start: string) => {
    const key = windowKey(deviceId, start);
    keys.set(itemId(key), key);
  };
  for (const { deviceId, start } of groups.windows.values()) {
    const device = itemIn<DeviceItem>(devices, deviceKey(deviceId));
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

/** The minutes (window starts) of a device's records in the batch. */
export const minutesOf = (records: readonly BatchRecord[]): string[] => [
  ...new Set(records.map((r) => windowStart(r.record.eventTimeMs))),
];
