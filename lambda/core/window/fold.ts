/**
 * Folding a minute's new records into its window item: the write of the item's new content, conditional on the
 * version read, expiring after the retention.
 */

import { windowKey } from '#core/items/keys.ts';
import type { WindowStats } from '#core/items/window.ts';
import type { Offsets } from '#core/watermark.ts';
import { advanceWatermarks, unfolded, watermarksFor } from '#core/watermark.ts';
import type { Minute, WindowContext, WindowPlan } from './context.ts';
import { foldStats } from './stats.ts';

const DAY_SECONDS = 86_400;

/** Window end + retention, in epoch seconds (the table's TTL attribute). */
export const windowExpiresAt = (start: string, retentionDays: number): number =>
  Math.floor(Date.parse(start) / 1000) + 60 + Math.round(retentionDays * DAY_SECONDS);

/** A window item's new content: statistics, watermarks, and the `at` of the closed window it holds (if any). */
export interface WindowContent {
  stats: WindowStats;
  offsets: Offsets;
  closedAt: number | undefined;
}

/** The write of a window item's new content, conditional on the version read (or on its absence). */
export const windowWrite = (
  context: WindowContext,
  minute: Pick<Minute, 'start' | 'stored'>,
  next: WindowContent,
): WindowPlan => ({
  item: {
    ...windowKey(context.deviceId, minute.start),
    deviceId: context.deviceId,
    start: minute.start,
    ...next.stats,
    source: context.source,
    offsets: next.offsets,
    ...(next.closedAt !== undefined ? { closedAt: next.closedAt } : {}),
    version: (minute.stored?.version ?? 0) + 1,
    expiresAt: windowExpiresAt(minute.start, context.retentionDays),
  },
  expectedVersion: minute.stored?.version ?? null,
});

/** The minute's records not yet in its window item, folded in; null when there are none. */
export const planWindow = (context: WindowContext, minute: Minute): WindowPlan | null => {
  const watermark = watermarksFor(minute.stored, context.source);
  const fresh = unfolded(watermark, minute.records);
  const stats = foldStats(minute.stored, fresh);
  if (fresh.length === 0 || stats === undefined) return null;
  // Still holds the device's closed window it was copied from, if it was (closed.ts).
  return windowWrite(context, minute, {
    stats,
    offsets: advanceWatermarks(watermark, fresh),
    closedAt: minute.stored?.closedAt,
  });
};
