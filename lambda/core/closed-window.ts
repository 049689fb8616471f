/**
 * A device's closed window (items.ts `ClosedWindow`): the minute the device closed last, written in the device item
 * with the close, then copied to its window item in a second plain write. Until that copy is known written, the
 * minute's statistics are the window item's (if any) plus the closed window, unless the item already holds it
 * (`closedAt` = the closed window's `at`). Writers that touch that minute (late records, the copy itself, the next
 * close) write the item with the closed window in it, tagged; readers add an untagged closed window. The copy is
 * conditional like any window write, so it is exact whoever writes it first, and a lost copy (a crash between the two
 * writes) only leaves the minute in the device item until one of them writes it.
 */
import type { BatchRecord } from './batch-record.ts';
import type { DeviceItem } from './items/device.ts';
import type { WindowItem } from './items/window.ts';
import { advanceWatermarks, maxOffsets, unfolded, watermarksFor } from './watermark.ts';
import { foldStats, mergeStats, planWindow, type WindowPlan, windowWrite } from './window.ts';

/** The device's closed window of minute `start` that the stored item does not hold yet. */
export const pendingClosedWindow = (
  device: DeviceItem | undefined,
  start: string,
  stored: WindowItem | undefined,
) => {
  const closed = device?.closedWindow;
  if (closed === undefined || closed.start !== start || stored?.closedAt === closed.at) return undefined;
  return closed;
};

/**
 * The write of minute `start` of a device: the batch's new records of that minute folded into the stored item, and
 * the device's closed window of that minute when the item does not hold it yet (then written even with no record:
 * the copy). Null when there is nothing to write.
 */
export const planMinuteWindow = (
  deviceId: string,
  start: string,
  stored: WindowItem | undefined,
  device: DeviceItem | undefined,
  records: readonly BatchRecord[],
  retentionDays: number,
  source: string,
): WindowPlan | null => {
  const closed = pendingClosedWindow(device, start, stored);
  if (closed === undefined) return planWindow(deviceId, start, stored, records, retentionDays, source);
  const closedOffsets = watermarksFor(closed, source);
  const watermark = maxOffsets(watermarksFor(stored, source), closedOffsets);
  const fresh = unfolded(watermark, records);
  const stats = mergeStats(foldStats(stored, fresh), closed);
  if (stats === undefined) return null;
  return windowWrite(
    deviceId,
    start,
    stored,
    { stats, offsets: advanceWatermarks(watermark, fresh) },
    { retentionDays, source, closedAt: closed.at },
  );
};
