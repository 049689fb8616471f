/**
 * The read side of per-minute windows: a device's minutes live in window items and, for its latest minute, in the
 * device item's open window; the minute it closed last may also be in the device item (its closed window) until its
 * window item holds it. Readers merge them here.
 */
import type { DeviceItem } from '#core/items/device.ts';
import { windowStart } from '#core/items/keys.ts';
import type { WindowItem, WindowStats } from '#core/items/window.ts';
import { mergeStats, statsOf } from './stats.ts';

export interface DeviceWindow extends WindowStats {
  /** Minute start, `YYYY-MM-DDTHH:mmZ`. */
  start: string;
}

/** A time range as ISO texts, both ends included once rounded down to their minute. */
export interface MinuteRange {
  from: string;
  to: string;
}

const minuteOf = (name: string, iso: string): string => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not an ISO time: ${JSON.stringify(iso)}`);
  return windowStart(ms);
};

/**
 * Windows whose minute starts within [from, to], both rounded down to their minute (as the table query does),
 * sorted by start; window items and the open window of the same minute are summed; empty minutes are left out.
 */
export const windowsInRange = (
  windowItems: readonly WindowItem[],
  device: DeviceItem | undefined,
  range: MinuteRange,
  /** Epoch seconds now: a closed window past its window item's expiry is left out, as the item would be. */
  nowSeconds = 0,
): DeviceWindow[] => {
  const from = minuteOf('from', range.from);
  const to = minuteOf('to', range.to);
  const byStart = new Map<string, WindowStats>();
  const add = (start: string, stats: WindowStats) => {
    if (start < from || start > to) return;
    byStart.set(start, mergeStats(byStart.get(start), stats) ?? statsOf(stats));
  };
  for (const item of windowItems) add(item.start, item);
  if (device?.openWindow) add(device.openWindow.start, device.openWindow);
  // The device's closed window, unless its window item already holds it (closed.ts).
  const closed = device?.closedWindow;
  const expired = closed?.expiresAt !== undefined && closed.expiresAt <= nowSeconds;
  if (closed && !expired && !windowItems.some((i) => i.start === closed.start && i.closedAt === closed.at))
    add(closed.start, closed);
  return [...byStart]
    .filter(([, stats]) => stats.count > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([start, stats]) => ({ start, ...statsOf(stats) }));
};
