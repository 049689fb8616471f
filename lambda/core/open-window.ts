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
import {
  type DeviceItem,
  type OpenWindow,
  type WindowItem,
  type WindowStats,
  windowKey,
  windowStart,
} from './items.ts';
import { advanceWatermarks, maxOffsets, unfolded, watermarksFor } from './watermark.ts';
import { foldStats, mergeStats, planWindow, type WindowPlan, windowExpiresAt } from './window.ts';

export interface DeviceWindowsPlan {
  openWindow: OpenWindow;
  /** Window items of minutes before the open minute read: written on their own, before the device. */
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
): DeviceWindowsPlan => {
  const minutes = byMinute(records);
  const previous = current?.openWindow;
  // The open window's watermarks belong to the device's source: fresh ones when the topic's incarnation changed.
  const openOffsets = (open: OpenWindow) =>
    watermarksFor(
      { ...(current?.source !== undefined ? { source: current.source } : {}), offsets: open.offsets },
      source,
    );
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
  const withDevice: WindowPlan[] = closed ? [closed] : [];
  for (const [minute, list] of minutes) {
    if (minute === start || minute === closing?.start) continue;
    const planned = planWindow(deviceId, minute, windowOf(minute), list, retentionDays, source);
    if (!planned) continue;
    if (previous !== undefined && minute < previous.start) late.push(planned);
    else withDevice.push(planned);
  }
  return { openWindow, late, withDevice };
};

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
  return {
    item: {
      ...windowKey(deviceId, closing.start),
      deviceId,
      start: closing.start,
      ...stats,
      source,
      offsets: advanceWatermarks(watermark, added),
      version: (item?.version ?? 0) + 1,
      expiresAt: windowExpiresAt(closing.start, retentionDays),
    },
    expectedVersion: item?.version ?? null,
  };
};
