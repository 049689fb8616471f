/**
 * After a device conflict or a partial round: re-read the device and its windows, re-plan it from them, and write
 * what must precede it (its alerts, resolutions and late windows). Returns the device plan to write, or null when nothing is left.
 */

import type { DevicePlan } from '#core/device.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey, itemId, windowKey } from '#core/items/keys.ts';
import { writeAlerts } from './alerts-step.ts';
import type { WriteContext } from './context.ts';
import { writeWindows } from './windows-step.ts';

export const replanDevice = async (context: WriteContext, deviceId: string): Promise<DevicePlan | null> => {
  const { store, planner } = context;
  const keys = planner.deviceKeys(deviceId);
  const items = await store.read(keys);
  // The minute it would close, and that of its closed window, may not be among the batch's minutes: read them too.
  const device = items.get(itemId(deviceKey(deviceId))) as DeviceItem | undefined;
  const more = [device?.openWindow?.start, device?.closedWindow?.start]
    .flatMap((start) => (start === undefined ? [] : [windowKey(deviceId, start)]))
    .filter((key) => !keys.some((k) => itemId(k) === itemId(key)));
  if (more.length > 0) for (const [id, item] of await store.read(more)) items.set(id, item);
  const replanned = planner.device(deviceId, items);
  if (replanned) {
    await writeAlerts(context, [replanned]);
    await writeWindows(context, replanned.late);
  }
  return replanned;
};
