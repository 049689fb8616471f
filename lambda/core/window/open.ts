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
import type { BatchRecord } from '#core/batch-record.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { windowStart } from '#core/items/keys.ts';
import type { ClosedWindow, OpenWindow, WindowItem } from '#core/items/window.ts';
import { advanceWatermarks, maxOffsets, type Offsets, unfolded, watermarksFor } from '#core/watermark.ts';
import { planMinuteWindow } from './closed.ts';
import type { Minute, WindowContext, WindowPlan } from './context.ts';
import { planWindow, windowWrite } from './fold.ts';
import { EMPTY_STATS, foldStats, mergeStats, statsOf } from './stats.ts';

/** What the device's plan hands to its window planning. */
export interface DeviceWindowsInput {
  /** The device item read (undefined = a new device). */
  current: DeviceItem | undefined;
  /** The batch's records of the device (duplicates removed). */
  records: readonly BatchRecord[];
  /** Those not yet folded into the device (non-empty). */
  fresh: readonly BatchRecord[];
  /** The window item of a minute as read (undefined = absent or not read). */
  windowOf: (start: string) => WindowItem | undefined;
  /** The version the device item will be written with: its closed window's `at`. */
  version: number;
}

export interface DeviceWindowsPlan {
  openWindow: OpenWindow;
  /**
   * The device's closed window after this batch: the minute it closes (when it closes one alone and no window item of
   * that minute exists), else the one read, carried (closed.ts).
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

/** One device's window planning: the context, its input, and the batch's records by minute. */
interface Planning {
  context: WindowContext;
  input: DeviceWindowsInput;
  minutes: ReadonlyMap<string, BatchRecord[]>;
}

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

/** A minute of the device as read, with the batch's records of it. */
const minuteOf = ({ input, minutes }: Planning, start: string): Minute => ({
  start,
  stored: input.windowOf(start),
  records: minutes.get(start) ?? [],
});

/** The open window's watermarks belong to the device's source: fresh ones when the topic's incarnation changed. */
const openOffsets = ({ context, input }: Planning, open: OpenWindow): Offsets | undefined =>
  watermarksFor({ source: input.current?.source, offsets: open.offsets }, context.source);

/** The open minute only moves forward: the greatest minute of any record folded into the device. */
const openMinute = (previous: OpenWindow | undefined, fresh: readonly BatchRecord[]): string => {
  let start = previous?.start ?? '';
  for (const r of fresh) {
    const minute = windowStart(r.record.eventTimeMs);
    if (minute > start) start = minute;
  }
  return start;
};

/** The open window after this batch: the one read if still open, plus the batch's new records of its minute. */
const foldOpenWindow = (planning: Planning, start: string): OpenWindow => {
  const previous = planning.input.current?.openWindow;
  const carried = previous?.start === start ? previous : undefined;
  const carriedOffsets = carried && openOffsets(planning, carried);
  const minute = minuteOf(planning, start);
  const openRecords = unfolded(
    maxOffsets(carriedOffsets, watermarksFor(minute.stored, planning.context.source)),
    minute.records,
  );
  return {
    start,
    ...(foldStats(carried, openRecords) ?? EMPTY_STATS),
    offsets: advanceWatermarks(carriedOffsets, openRecords),
  };
};

/** The window item of a closing minute: open window + the item if one exists + the batch's new records. */
const closeWindow = (planning: Planning, closing: OpenWindow): WindowPlan | null => {
  const minute = minuteOf(planning, closing.start);
  const watermark = maxOffsets(
    openOffsets(planning, closing),
    watermarksFor(minute.stored, planning.context.source),
  );
  const added = unfolded(watermark, minute.records);
  // Nothing to move: the item (if any) already holds every record of the minute.
  if (closing.count === 0 && added.length === 0) return null;
  const stats = mergeStats(foldStats(closing, added), minute.stored) ?? EMPTY_STATS;
  return windowWrite(planning.context, minute, {
    stats,
    offsets: advanceWatermarks(watermark, added),
    closedAt: undefined,
  });
};

/** The batch's other minutes: late ones (before the open minute read) alone, the ones passed over with the device. */
const otherMinutes = (planning: Planning, skip: readonly (string | undefined)[]) => {
  const { context, input } = planning;
  const previous = input.current?.openWindow;
  const late: WindowPlan[] = [];
  const withDevice: WindowPlan[] = [];
  for (const start of planning.minutes.keys()) {
    if (skip.includes(start)) continue;
    const minute = minuteOf(planning, start);
    if (previous !== undefined && start < previous.start) {
      const planned = planMinuteWindow(context, minute, input.current);
      if (planned) late.push({ ...planned, device: input.current as DeviceItem });
    } else {
      const planned = planWindow(context, minute);
      if (planned) withDevice.push(planned);
    }
  }
  return { late, withDevice };
};

/**
 * A close alone goes in the device item as its closed window; the closed window read leaves it, so its window item
 * must hold it first (a late copy).
 */
const closeAlone = (
  planning: Planning,
  closed: WindowPlan,
  plan: Omit<DeviceWindowsPlan, 'closedWindow'>,
): DeviceWindowsPlan => {
  const { context, input } = planning;
  const replaced = input.current?.closedWindow;
  if (replaced !== undefined && !planning.minutes.has(replaced.start)) {
    const copy = planMinuteWindow(
      context,
      { ...minuteOf(planning, replaced.start), records: [] },
      input.current,
    );
    if (copy) plan.late.push({ ...copy, device: input.current as DeviceItem });
  }
  const { item } = closed;
  return {
    ...plan,
    closedWindow: {
      start: item.start,
      ...statsOf(item),
      source: context.source,
      offsets: item.offsets,
      at: input.version,
      expiresAt: item.expiresAt,
    },
  };
};

/** Splits a device's batch records between its open window, the minute it closes, and other window items. */
export const planDeviceWindows = (context: WindowContext, input: DeviceWindowsInput): DeviceWindowsPlan => {
  const planning: Planning = { context, input, minutes: byMinute(input.records) };
  const previous = input.current?.openWindow;
  const start = openMinute(previous, input.fresh);
  const openWindow = foldOpenWindow(planning, start);
  const closing = previous !== undefined && previous.start !== start ? previous : undefined;
  const closed = closing ? closeWindow(planning, closing) : null;
  const { late, withDevice } = otherMinutes(planning, [start, closing?.start]);
  // A close alone, of a minute with no window item (the usual case: window items only hold minutes before the open
  // one), goes in the device item as its closed window; otherwise, with the minutes passed over, in its transaction.
  const alone =
    closed !== null && withDevice.length === 0 && closing && input.windowOf(closing.start) === undefined;
  if (closed !== null && alone) return closeAlone(planning, closed, { openWindow, late, withDevice });
  if (closed) withDevice.unshift(closed);
  return { openWindow, late, withDevice, ...carriedClosedWindow(input.current) };
};

/** The closed window read, kept in the device item. */
const carriedClosedWindow = (current: DeviceItem | undefined) =>
  current?.closedWindow === undefined ? {} : { closedWindow: current.closedWindow };
