import { UsageError } from '#scripts/shared/cli.ts';

/**
 * Hours of the lake. The curated table is partitioned by the UTC hour of `event_time` (`day=YYYY-MM-DD/hour=HH`);
 * the raw archive by the UTC hour of arrival (`year=/month=/day=/hour=`). An event hour's records can sit in several
 * arrival hours: the one before (an event_time up to the processor's clock skew ahead of arrival), the hour itself and
 * later ones (late records, Firehose's buffering), so compaction reads a window of arrival hours.
 */

export const HOUR_MS = 3_600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** The start (epoch ms) of the UTC hour holding `ms`. */
export const hourStart = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** The curated partition of an event hour: `{ day: '2026-11-21', hour: '09' }`. */
export const curatedPartition = (hourStartMs: number): { day: string; hour: string } => {
  const iso = new Date(hourStartMs).toISOString();
  return { day: iso.slice(0, 10), hour: iso.slice(11, 13) };
};

/** The raw partition folders of an arrival hour: `year=2026/month=11/day=21/hour=09`. */
export const rawPartitionPath = (hourStartMs: number): string => {
  const t = new Date(hourStartMs);
  return [
    `year=${t.getUTCFullYear()}`,
    `month=${pad(t.getUTCMonth() + 1)}`,
    `day=${pad(t.getUTCDate())}`,
    `hour=${pad(t.getUTCHours())}`,
  ].join('/');
};

/** How far the compaction of an event hour reaches into later arrival hours. */
export interface LatenessWindow {
  /** Arrival hours after the event hour's own that are read (records arriving that late are still included). */
  readonly lateHours: number;
}

/**
 * The arrival hours (starts, ascending) an event hour is compacted from: the hour before (records whose event_time is
 * within the skew margin ahead of their arrival), the hour itself, and `lateHours + 1` hours after it (the next hour
 * always holds the hour's last Firehose buffers).
 */
export const arrivalHoursFor = (eventHourMs: number, { lateHours }: LatenessWindow): number[] => {
  const hours: number[] = [];
  for (let k = -1; k <= lateHours + 1; k++) hours.push(eventHourMs + k * HOUR_MS);
  return hours;
};

const HOUR_FLAG = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2})(?::00(?::00)?)?Z?$/;

/** Parses `--hour 2026-11-21T09` (also `2026-11-21 09`, `…T09:00`, `…T09:00:00Z`), a UTC hour. */
export const parseHourFlag = (raw: string): number => {
  const match = HOUR_FLAG.exec(raw.trim());
  const ms =
    match === null ? Number.NaN : Date.parse(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:00:00Z`);
  if (
    !Number.isFinite(ms) ||
    new Date(ms).toISOString().slice(0, 13) !== `${match?.[1]}-${match?.[2]}-${match?.[3]}T${match?.[4]}`
  )
    throw new UsageError(`--hour must be a UTC hour like 2026-11-21T09, got "${raw}"`);
  return ms;
};

/** `2026-11-21T09`, the spelling `--hour` takes and reports use. */
export const formatHour = (hourStartMs: number): string => new Date(hourStartMs).toISOString().slice(0, 13);
