import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { numberFlag, UsageError } from '#scripts/shared/cli.ts';
import { compactLocalHour, type LocalCompactionResult } from './compact-local.ts';
import { formatHour, HOUR_MS, hourStart, parseHourFlag } from './hour.ts';

/** `npm run lake -- --compact [--hour 2026-11-21T09] [--late-hours N]`: compacts one hour of the local lake now. */

export interface CompactFlags {
  readonly hour?: string;
  readonly lateHours?: string;
  readonly positionals: readonly string[];
}

/** Without --hour: the last closed hour. */
export const compactHourFrom = (hour: string | undefined, nowMs: number): number =>
  hour === undefined ? hourStart(nowMs) - HOUR_MS : parseHourFlag(hour);

export const runLocalCompaction = async (
  flags: CompactFlags,
  lakeDir: string,
  nowMs: number = Date.now(),
): Promise<LocalCompactionResult> => {
  if (flags.positionals.length > 0) throw new UsageError('--compact takes no SQL');
  const lateHours =
    flags.lateHours === undefined
      ? CURATED_COMPACTION_DEFAULTS.lateHours
      : numberFlag('late-hours', flags.lateHours, { min: 0, max: 48, integer: true });
  return compactLocalHour({ lakeDir, eventHourMs: compactHourFrom(flags.hour, nowMs), lateHours });
};

export const describeCompaction = (r: LocalCompactionResult): string =>
  `compacted ${r.hour}: ${r.rows} rows from ${r.objects} raw objects → ${r.file} (${r.bytes} bytes, ${r.seconds} s)`;

export { formatHour };
