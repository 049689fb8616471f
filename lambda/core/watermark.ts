/**
 * Per-source-partition offset watermarks: a record is folded into an item only if its offset is above the item's
 * watermark for the record's partition. This is what makes re-delivered and replayed batches harmless.
 */
import { type Offsets, type SourcePosition, sourceKey } from './items.ts';

export const isAboveWatermark = (offsets: Offsets | undefined, r: SourcePosition): boolean =>
  r.offset > (offsets?.[sourceKey(r.topic, r.partition)] ?? -1);

/** Records not yet folded into the item. */
export const unfolded = <T extends SourcePosition>(
  offsets: Offsets | undefined,
  records: readonly T[],
): T[] => records.filter((r) => isAboveWatermark(offsets, r));

export const advanceWatermarks = (
  offsets: Offsets | undefined,
  records: readonly SourcePosition[],
): Offsets => {
  const next: Offsets = { ...offsets };
  for (const r of records) {
    const key = sourceKey(r.topic, r.partition);
    next[key] = Math.max(next[key] ?? -1, r.offset);
  }
  return next;
};

/** Watermarks of two places that together hold one window's records: the higher offset per partition. */
export const maxOffsets = (a: Offsets | undefined, b: Offsets | undefined): Offsets => {
  const next: Offsets = { ...a };
  for (const [key, offset] of Object.entries(b ?? {})) next[key] = Math.max(next[key] ?? -1, offset);
  return next;
};
