/**
 * Per-partition offset watermarks: a record is folded into an item only if its offset is above the item's
 * watermark for the record's partition. This is what makes re-delivered and replayed batches harmless.
 *
 * Watermarks belong to one incarnation of the topic (cluster id from the event's eventSourceArn + topic; items store it
 * in their `source` attribute):
 * offsets restart at 0 when the cluster is replaced, so an item folded from another incarnation starts with fresh
 * watermarks instead of skipping every new record as "already folded". Keyed by partition number only, so a map
 * holds at most one entry per partition of the topic (see docs/DATA_MODEL.md for the bound).
 */
import { nullMap } from './data-map.ts';

/**
 * Watermarks: partition number → highest offset already folded into the item, for the item's `source` (cluster id +
 * topic, see above). Items written before sources were recorded are keyed "<topic>-<partition>".
 */
export type Offsets = Record<string, number>;

/** Where a record came from in Kafka. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: number;
}

/** The incarnation id of a topic: `<cluster id>/<topic>`. */
export const incarnationOf = (clusterId: string, topic: string): string => `${clusterId}/${topic}`;

/** The cluster id in an MSK eventSourceArn (`arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`), else ''. */
export const clusterIdOf = (eventSourceArn: unknown): string => {
  if (typeof eventSourceArn !== 'string') return '';
  const match = /^arn:[^:]+:kafka:[^:]*:[^:]*:cluster\/[^/]+\/([^/]+)$/.exec(eventSourceArn);
  return match?.[1] ?? '';
};

export interface Watermarked {
  /** Incarnation the offsets belong to (attribute name kept from before the word); absent on items written before incarnations were recorded. */
  source?: string;
  offsets: Offsets;
}

/** True when an item folded from `itemIncarnation` counts as folded from `incarnation`: the same, or none recorded. */
export const sameIncarnation = (itemIncarnation: string | undefined, incarnation: string): boolean =>
  itemIncarnation === undefined || itemIncarnation === incarnation;

const legacyPartition = /^(.*)-(\d+)$/;

/**
 * The item's watermarks as they apply to records of `incarnation`: its offsets when folded from the same incarnation,
 * none when folded from another one. An item written before incarnations (no `source`, keys `<topic>-<partition>`)
 * is read as the same incarnation.
 */
export const watermarksFor = (item: Watermarked | undefined, incarnation: string): Offsets | undefined => {
  if (item === undefined) return undefined;
  if (item.source === incarnation) return item.offsets;
  if (item.source !== undefined) return undefined;
  const topic = incarnation.slice(incarnation.indexOf('/') + 1);
  const out = nullMap<number>();
  for (const [key, offset] of Object.entries(item.offsets)) {
    const match = legacyPartition.exec(key);
    if (match?.[1] === topic && match[2] !== undefined) out[match[2]] = offset;
  }
  return out;
};

const key = (r: SourcePosition): string => String(r.partition);

const own = (offsets: Offsets | undefined, partition: string): number | undefined =>
  offsets !== undefined && Object.hasOwn(offsets, partition) ? offsets[partition] : undefined;

export const isAboveWatermark = (offsets: Offsets | undefined, r: SourcePosition): boolean =>
  r.offset > (own(offsets, key(r)) ?? -1);

/** Records not yet folded into the item. */
export const unfolded = <T extends SourcePosition>(
  offsets: Offsets | undefined,
  records: readonly T[],
): T[] => records.filter((r) => isAboveWatermark(offsets, r));

export const advanceWatermarks = (
  offsets: Offsets | undefined,
  records: readonly SourcePosition[],
): Offsets => {
  const next = Object.assign(nullMap<number>(), offsets);
  for (const r of records) next[key(r)] = Math.max(own(next, key(r)) ?? -1, r.offset);
  return next;
};

/** Watermarks of two places that together hold one window's records: the higher offset per partition. */
export const maxOffsets = (a: Offsets | undefined, b: Offsets | undefined): Offsets => {
  const next = Object.assign(nullMap<number>(), a);
  for (const [partition, offset] of Object.entries(b ?? {}))
    next[partition] = Math.max(own(next, partition) ?? -1, offset);
  return next;
};
