/**
 * Bounds one device write: its transaction carries the device item and one window item per minute it closes or
 * passes over, so a batch whose records of one device span more minutes than fit is folded in rounds. A round takes
 * a prefix of each partition's new records (in offset order), exactly what a smaller batch from Lambda would hold,
 * so the watermarks stay sound; the next round re-plans the rest from the item written.
 */
import type { BatchRecord } from './batch-record.ts';
import { windowStart } from './items/keys.ts';

/** Minutes of new records per device write: ≤ 48 window items + the closing one + the device + its fleet item. */
export const MAX_MINUTES_PER_DEVICE_WRITE = 48;

const byOffset = (a: BatchRecord, b: BatchRecord): number =>
  a.offset - b.offset || a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);

export interface DeviceRound {
  /** The new records folded in this round. */
  taken: BatchRecord[];
  /** True when records are left for a later round. */
  more: boolean;
}

/** The longest offset-ordered prefix of `fresh` whose records span at most `maxMinutes` minutes. */
export const takeRound = (
  fresh: readonly BatchRecord[],
  maxMinutes = MAX_MINUTES_PER_DEVICE_WRITE,
): DeviceRound => {
  const minutes = new Set<string>();
  const ordered = [...fresh].sort(byOffset);
  for (const [index, r] of ordered.entries()) {
    const minute = windowStart(r.record.eventTimeMs);
    if (!minutes.has(minute) && minutes.size >= maxMinutes)
      return { taken: ordered.slice(0, index), more: true };
    minutes.add(minute);
  }
  return { taken: ordered, more: false };
};
