/**
 * Splits a device's batch records between its open window (its latest minute, kept inside the device item) and
 * window items, so a hot device costs one write per batch instead of one per (device, minute).
 *
 * Which minute is open decides where a record goes, so every window item of a minute at or after the open minute
 * read (the minute it closes, minutes passed over within the batch) is written in the device's own transaction:
 * conditional on the device version it was planned from, it can never hold a record that a concurrent invocation
 * folded into the open window. Only late minutes (before the open minute read, which only moves forward, so they
 * can never be open again) are written on their own. A minute's records may still live in two places at once (a
 * window item of the open minute written before this rule, or by an older version); a record is new to the minute
 * only if it is above both watermarks, and closing merges both. See docs/DATA_MODEL.md.
 */
import type { BatchRecord } from './batch-record.ts';
import { planMinuteWindow } from './closed-window.ts';
import type { DeviceItem } from './items/device.ts';
import { windowStart } from './items/keys.ts';
import type { ClosedWindow, OpenWindow, WindowItem, WindowStats } from './items/window.ts';
import { advanceWatermarks, maxOffsets, unfolded, watermarksFor } from './watermark.ts';
import { foldStats, mergeStats, planWindow, statsOf, type WindowPlan, windowWrite } from './window.ts';

export interface DeviceWindowsPlan {
  openWindow: OpenWindow;
  /**
   * The device's closed window after this batch: the minute it closes (when it closes one alone and no window item of
   * that minute exists), else the one read, carried (closed-window.ts).
   */
  closedWindow?: ClosedWindow;
  /**
   * Window items of minutes before the open minute read, written on their own before the device: late records, and
   * the copy of the closed window read when this batch replaces it.
   */
  late: WindowPlan[];
  /** The minute this batch closes and minutes it passes over: written in one transaction with the device. */
  withDevice: WindowPlan[];
}

/** All zeros: the identity of mergeStats, as cpu and memory are never negative. */
const EMPTY: WindowStats = { count: 0, cpuSum: 0, cpuMax: 0, memorySum: 0, memoryMax: 0, downCount: 0 };

const byMinute = (records: readonly BatchRecord[]): Map<string, BatchRecord[]> => {
  const out = new Map<string, BatchRecord[]>();
  for (const r of records) {
    const start = windowStart(r.record.eventTimeMs);
    const list = out.get(start);
    if (list) list.push(r);
    else out.set(start, [r]);
  }
  return out;
};

/**
 * @param records the batch's records of the device (duplicates removed)
 * @param fresh those not yet folded into the device (non-empty)
 * @param windowOf the window item of a minute as read (undefined = absent or not read)
 */
export const planDeviceWindows = (
  deviceId: string,
  current: DeviceItem | undefined,
  records: readonly BatchRecord[],
  fresh: readonly BatchRecord[],
  windowOf: (start: string) => WindowItem | undefined,
  retentionDays: number,
  source: string,
  /** The version the device item will be written with: its closed window's `at`. */
  version: number,
): DeviceWindowsPlan => {
  const minutes = byMinute(records);
  const previous = current?.openWindow;
  // The open window's watermarks belong to the device's source: fresh ones when the topic's incarnation changed.
  const openOffsets = (open: OpenWindow) =>
    watermarksFor({ source: current?.source, offsets: open.offsets }, source);
  // The open minute only moves forward: the greatest minute of any record folded into the device.
  let start = previous?.start ?? '';
  for (const r of fresh) {
    const minute = windowStart(r.record.eventTimeMs);
    if (minute > start) start = minute;
  }

  const carried = previous?.start === start ? previous : undefined;
  const carriedOffsets = carried && openOffsets(carried);
  const openRecords = unfolded(
    maxOffsets(carriedOffsets, watermarksFor(windowOf(start), source)),
    minutes.get(start) ?? [],
  );
  const openWindow: OpenWindow = {
    start,
    ...(foldStats(carried, openRecords) ?? EMPTY),
    offsets: advanceWatermarks(carriedOffsets, openRecords),
  };

  const closing = previous !== undefined && previous.start !== start ? previous : undefined;
  const closed = closing
    ? closeWindow(
        deviceId,
        closing,
        openOffsets(closing),
        windowOf(closing.start),
        minutes,
        retentionDays,
        source,
      )
    : null;

  const late: WindowPlan[] = [];
  const withDevice: WindowPlan[] = [];
  for (const [minute, list] of minutes) {
    if (minute === start || minute === closing?.start) continue;
    if (previous !== undefined && minute < previous.start) {
      const planned = planMinuteWindow(
        deviceId,
        minute,
        windowOf(minute),
        current,
        list,
        retentionDays,
        source,
      );
      if (planned) late.push({ ...planned, device: current as DeviceItem });
    } else {
      const planned = planWindow(deviceId, minute, windowOf(minute), list, retentionDays, source);
      if (planned) withDevice.push(planned);
    }
  }
  // A close alone, of a minute with no window item (the usual case: window items only hold minutes before the open
  // one), goes in the device item as its closed window; otherwise, with the minutes passed over, in its transaction.
  const alone =
    closed !== null && withDevice.length === 0 && closing && windowOf(closing.start) === undefined;
  if (!alone) {
    if (closed) withDevice.unshift(closed);
    return { openWindow, late, withDevice, ...carriedClosedWindow(current) };
  }
  const replaced = current?.closedWindow;
  if (replaced !== undefined && !minutes.has(replaced.start)) {
    // The closed window read leaves the device item: its window item must hold it first.
    const copy = planMinuteWindow(
      deviceId,
      replaced.start,
      windowOf(replaced.start),
      current,
      [],
      retentionDays,
      source,
    );
    if (copy) late.push({ ...copy, device: current as DeviceItem });
  }
  const { item } = closed;
  return {
    openWindow,
    late,
    withDevice,
    closedWindow: {
      start: item.start,
      ...statsOf(item),
      source,
      offsets: item.offsets,
      at: version,
      expiresAt: item.expiresAt,
    },
  };
};

/** The closed window read, kept in the device item. */
const carriedClosedWindow = (current: DeviceItem | undefined) =>
  current?.closedWindow === undefined ? {} : { closedWindow: current.closedWindow };

/** The window item of a closing minute: open window + the item if one exists + the batch's new records. */
const closeWindow = (
  deviceId: string,
  closing: OpenWindow,
  closingOffsets: OpenWindow['offsets'] | undefined,
  item: WindowItem | undefined,
  minutes: ReadonlyMap<string, BatchRecord[]>,
  retentionDays: number,
  source: string,
): WindowPlan | null => {
  const watermark = maxOffsets(closingOffsets, watermarksFor(item, source));
  const added = unfolded(watermark, minutes.get(closing.start) ?? []);
  // Nothing to move: the item (if any) already holds every record of the minute.
  if (closing.count === 0 && added.length === 0) return null;
  const stats = mergeStats(foldStats(closing, added), item) ?? EMPTY;
  return windowWrite(
    deviceId,
    closing.start,
    item,
    { stats, offsets: advanceWatermarks(watermark, added) },
    { retentionDays, source, closedAt: undefined },
  );
};
