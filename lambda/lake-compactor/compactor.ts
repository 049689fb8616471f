import { randomBytes } from 'node:crypto';
import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import {
  ATHENA,
  compactionSelectSql,
  curatedHourPrefix,
  curatedRunPrefix,
  unloadSql,
} from '#core/curated-sql.ts';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS } from '#core/record.ts';
import {
  type CatalogPort,
  COMPLETE_MARKER,
  type ObjectStorePort,
  runIdAt,
  SETTLED_MARKER,
  type SwapContext,
  settlePartition,
  sweepHour,
} from './run-swap.ts';

export type { CatalogPort, ObjectStorePort } from './run-swap.ts';

/**
 * The scheduled compaction in AWS, behind small ports (Athena, S3, Glue): for each due event hour, UNLOAD the hour's
 * rows as zstd Parquet into a new run folder of the hour, then swap the hour's Glue partition to it and delete the
 * runs it replaced (run-swap.ts). A reader sees the old hour or the new one, never an empty or doubled hour; re-running
 * an hour replaces it (never appends); two overlapping runs of one hour end with the later one. The function also has
 * a reserved concurrency of 1, so scheduled runs do not overlap in the first place.
 */

const HOUR_MS = 3_600_000;

export interface AthenaPort {
  /** Runs one statement to completion; throws with Athena's reason when it fails. */
  run(sql: string): Promise<{ queryExecutionId: string; bytesScanned: number }>;
}

export interface CompactorSettings {
  readonly bucket: string;
  readonly delayMinutes: number;
  readonly lateHours: number;
  readonly rawLinesTable: string;
  readonly maxEventTimeSkewMs?: number;
  /** The function's timeout: a run started longer ago has ended. */
  readonly maxRunMs: number;
}

export interface CompactorPorts {
  readonly athena: AthenaPort;
  readonly store: ObjectStorePort;
  readonly catalog: CatalogPort;
  readonly now: () => number;
  /** A fresh suffix for run ids. @default 8 random hex digits */
  readonly suffix?: () => string;
}

export interface HourCompaction {
  readonly hour: string;
  /** This run's id (its folder `…/hour=HH/run=<id>/`). */
  readonly run: string;
  /** The run the partition points at afterwards: this one, or a later overlapping one. */
  readonly winner: string;
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

const selectFor = (hourMs: number, settings: CompactorSettings): string => {
  const arrivalHoursMs: number[] = [];
  for (let k = -1; k <= settings.lateHours + 1; k++) arrivalHoursMs.push(hourMs + k * HOUR_MS);
  return compactionSelectSql(ATHENA, {
    eventHourMs: hourMs,
    arrivalHoursMs,
    maxEventTimeSkewMs: settings.maxEventTimeSkewMs ?? DEFAULT_MAX_EVENT_TIME_SKEW_MS,
    rawLinesTable: settings.rawLinesTable,
  });
};

const randomSuffix = () => randomBytes(4).toString('hex');

export const compactHour = async (
  hourMs: number,
  settings: CompactorSettings,
  ports: CompactorPorts,
): Promise<HourCompaction> => {
  const partition = partitionOf(hourMs);
  const run = runIdAt(ports.now(), (ports.suffix ?? randomSuffix)());
  const runPrefix = curatedRunPrefix(partition, run);
  // A new, empty folder per run: UNLOAD refuses a non-empty target, and the hour's files stay readable meanwhile.
  const { queryExecutionId, bytesScanned } = await ports.athena.run(
    unloadSql(selectFor(hourMs, settings), settings.bucket, partition, run),
  );
  await ports.store.putEmpty(`${runPrefix}${COMPLETE_MARKER}`);
  const context: SwapContext = {
    store: ports.store,
    catalog: ports.catalog,
    hourPrefix: curatedHourPrefix(partition),
    partitionValues: [partition.day, partition.hour],
    locationOf: (id) => `s3://${settings.bucket}/${curatedRunPrefix(partition, id)}`,
  };
  const winner = await settlePartition(context);
  await ports.store.putEmpty(`${runPrefix}${SETTLED_MARKER}`);
  const deletedObjects = await sweepHour(context, { nowMs: ports.now(), maxRunMs: settings.maxRunMs });
  return {
    hour: `${partition.day}T${partition.hour}`,
    run,
    winner,
    deletedObjects,
    queryExecutionId,
    bytesScanned,
  };
};

/** Compaction settings from the function's environment (defaults from the contract). */
export const DEFAULT_SCHEDULE = CURATED_COMPACTION_DEFAULTS;
