/**
 * A device's closed window (items/window.ts `ClosedWindow`): the minute the device closed last, written in the device item
 * with the close, then copied to its window item in a second plain write. Until that copy is known written, the
 * minute's statistics are the window item's (if any) plus the closed window, unless the item already holds it
 * (`closedAt` = the closed window's `at`). Writers that touch that minute (late records, the copy itself, the next
 * close) write the item with the closed window in it, tagged; readers add an untagged closed window. The copy is
 * conditional like any window write, so it is exact whoever writes it first, and a lost copy (a crash between the two
 * writes) only leaves the minute in the device item until one of them writes it.
 */
import type { DeviceItem } from '#core/items/device.ts';
import type { WindowItem } from '#core/items/window.ts';
import { advanceWatermarks, maxOffsets, unfolded, watermarksFor } from '#core/watermark.ts';
import type { Minute, WindowContext, WindowPlan } from './context.ts';
import { planWindow, windowWrite } from './fold.ts';
import { foldStats, mergeStats } from './stats.ts';

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
 * The write of a minute of the device: the batch's new records of that minute folded into the stored item, and the
 * device's closed window of that minute when the item does not hold it yet (then written even with no record: the
 * copy). Null when there is nothing to write.
 */
export const planMinuteWindow = (
  context: WindowContext,
  minute: Minute,
  device: DeviceItem | undefined,
): WindowPlan | null => {
  const closed = pendingClosedWindow(device, minute.start, minute.stored);
  if (closed === undefined) return planWindow(context, minute);
  const closedOffsets = watermarksFor(closed, context.source);
  const watermark = maxOffsets(watermarksFor(minute.stored, context.source), closedOffsets);
  const fresh = unfolded(watermark, minute.records);
  const stats = mergeStats(foldStats(minute.stored, fresh), closed);
  if (stats === undefined) return null;
  return windowWrite(context, minute, {
    stats,
    offsets: advanceWatermarks(watermark, fresh),
    closedAt: closed.at,
  });
};
