import { HOUR_MS, hourStart } from './hour.ts';

/**
 * Which event hours are due for compaction now (pure, so the local runtime's timer and its tests share it). A closed
 * hour is compacted `delayMinutes` after it closes and again `lateHours` later (late records); the open hour, when
 * `previewMinutes` is set, every that many minutes so a running pipeline shows the table filling. Every compaction
 * replaces its hour, so compacting an hour more often than needed is harmless.
 */

export interface CompactionSchedule {
  readonly delayMinutes: number;
  readonly lateHours: number;
  /** Re-compact the open hour this often; 0 = never (AWS compacts closed hours only). */
  readonly previewMinutes: number;
}

/** event hour start → when it was last compacted (start of that run). */
export type CompactionLog = ReadonlyMap<number, number>;

const isDue = (
  hour: number,
  nowMs: number,
  last: number | undefined,
  schedule: CompactionSchedule,
): boolean => {
  const closeMs = hour + HOUR_MS;
  if (closeMs > nowMs)
    return (
      schedule.previewMinutes > 0 && (last === undefined || nowMs - last >= schedule.previewMinutes * 60_000)
    );
  const firstDue = closeMs + schedule.delayMinutes * 60_000;
  const lateDue = firstDue + schedule.lateHours * HOUR_MS;
  if (nowMs >= firstDue && (last === undefined || last < firstDue)) return true;
  return schedule.lateHours > 0 && nowMs >= lateDue && last !== undefined && last < lateDue;
};

/** Hours (oldest first) to compact at `nowMs`, within the late window; hours before it are never revisited. */
export const dueHours = (nowMs: number, log: CompactionLog, schedule: CompactionSchedule): number[] => {
  const current = hourStart(nowMs);
  const due: number[] = [];
  for (let hour = current - (schedule.lateHours + 1) * HOUR_MS; hour <= current; hour += HOUR_MS)
    if (isDue(hour, nowMs, log.get(hour), schedule)) due.push(hour);
  return due;
};
