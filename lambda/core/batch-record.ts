/** A valid record of the batch, with where it came from: the unit every reducer folds. */

import type { TelemetryRecord } from './record.ts';
import type { SourcePosition } from './watermark.ts';

export interface BatchRecord extends SourcePosition {
  record: TelemetryRecord;
}

/** Total order of records in event time: event_time, then partition, then offset (then topic, for completeness). */
export const compareEventOrder = (
  a: { eventTimeMs: number } & SourcePosition,
  b: { eventTimeMs: number } & SourcePosition,
): number =>
  a.eventTimeMs - b.eventTimeMs ||
  a.partition - b.partition ||
  a.offset - b.offset ||
  (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);

export const eventOrderOf = (r: BatchRecord) => ({ eventTimeMs: r.record.eventTimeMs, ...positionOf(r) });

export const positionOf = (r: SourcePosition): SourcePosition => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
});

export const sortByEventOrder = (records: readonly BatchRecord[]): BatchRecord[] =>
  [...records].sort((a, b) => compareEventOrder(eventOrderOf(a), eventOrderOf(b)));
