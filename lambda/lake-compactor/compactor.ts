import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { ATHENA, compactionSelectSql, curatedHourPrefix, unloadSql } from '#core/curated-sql.ts';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS } from '#core/record.ts';

/**
 * The scheduled compaction in AWS, behind two small ports (Athena, S3): for each due event hour, empty its prefix and
 * UNLOAD the hour's rows as zstd Parquet into it. The curated table finds the files by partition projection, so
 * nothing is registered. Re-running an hour repeats both steps and so replaces it (never appends); the function has a
 * reserved concurrency of 1, so two runs of one hour never interleave.
 */

const HOUR_MS = 3_600_000;

export interface AthenaPort {
  /** Runs one statement to completion; throws with Athena's reason when it fails. */
  run(sql: string): Promise<{ queryExecutionId: string; bytesScanned: number }>;
}

export interface ObjectStorePort {
  /** Deletes every object under the prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}

export interface CompactorSettings {
  readonly bucket: string;
  readonly delayMinutes: number;
  readonly lateHours: number;
  readonly rawLinesTable: string;
  readonly maxEventTimeSkewMs?: number;
}

export interface HourCompaction {
  readonly hour: string;
  readonly deletedObjects: number;
  readonly queryExecutionId: string;
  readonly bytesScanned: number;
}

const partitionOf = (hourMs: number) => {
  const iso = new Date(hourMs).toISOString();
  return { day: iso.slice(0, 10), hour: iso.slice(11, 13) };
};

/**
 * The hours a run at `nowMs` compacts: the hour that closed `delayMinutes` ago (first compaction) and the one that
 * closed `lateHours` before it (late records), once each.
 */
export const hoursDue = (
  nowMs: number,
  settings: Pick<CompactorSettings, 'delayMinutes' | 'lateHours'>,
): number[] => {
  const first = Math.floor((nowMs - settings.delayMinutes * 60_000) / HOUR_MS) * HOUR_MS - HOUR_MS;
  return settings.lateHours > 0 ? [first, first - settings.lateHours * HOUR_MS] : [first];
};

export const compactHour = async (
  hourMs: number,
  settings: CompactorSettings,
  ports: { athena: AthenaPort; store: ObjectStorePort },
): Promise<HourCompaction> => {
  const partition = partitionOf(hourMs);
  const arrivalHoursMs: number[] = [];
  for (let k = -1; k <= settings.lateHours + 1; k++) arrivalHoursMs.push(hourMs + k * HOUR_MS);
  const select = compactionSelectSql(ATHENA, {
    eventHourMs: hourMs,
    arrivalHoursMs,
    maxEventTimeSkewMs: settings.maxEventTimeSkewMs ?? DEFAULT_MAX_EVENT_TIME_SKEW_MS,
    rawLinesTable: settings.rawLinesTable,
  });
  // UNLOAD refuses a non-empty target: empty it first (a re-run replaces the hour).
  const deletedObjects = await ports.store.deletePrefix(curatedHourPrefix(partition));
  const { queryExecutionId, bytesScanned } = await ports.athena.run(
    unloadSql(select, settings.bucket, partition),
  );
  return { hour: `${partition.day}T${partition.hour}`, deletedObjects, queryExecutionId, bytesScanned };
};

/** Compaction settings from the function's environment (defaults from the contract). */
export const DEFAULT_SCHEDULE = CURATED_COMPACTION_DEFAULTS;
