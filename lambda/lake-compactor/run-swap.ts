import { FleetStreamError } from '#core/errors.ts';

/**
 * How a re-compacted hour replaces the old one with no moment a reader sees it empty or doubled. Each run UNLOADs into
 * its own folder `…/hour=HH/run=<id>/` and then marks it complete; the hour's Glue partition points at exactly one
 * complete run, so a reader sees one run's files, never two and never none. A run then moves the partition to the
 * newest complete run (the later run wins: run ids sort by start time), checks it stayed there, marks itself settled
 * (it will not move the partition again), and deletes the runs older than the one the partition points at which can
 * no longer be pointed at: settled ones (its own too, when it lost), ones older than the function's timeout (crashed),
 * and files of the layout before runs. Newer runs are left alone (still writing), so are older unsettled ones (they
 * may still move the partition; each deletes itself once settled, or the next run of the hour does). Two overlapping runs of an hour therefore
 * end with the partition on the later one and the earlier one's files deleted, whatever the interleaving.
 */

/** Marker objects (Athena ignores names starting with `_`). */
export const COMPLETE_MARKER = '_COMPLETE';
export const SETTLED_MARKER = '_SETTLED';
/** Rounds of move-and-check before giving up (each a Glue read, an S3 listing and at most one Glue write). */
export const MAX_SETTLE_ROUNDS = 5;

export interface ObjectStorePort {
  /** Every key under the prefix, in key order. */
  listKeys(prefix: string): Promise<string[]>;
  /** Writes an empty object. */
  putEmpty(key: string): Promise<void>;
  /** Deletes the keys; returns how many. */
  deleteKeys(keys: readonly string[]): Promise<number>;
}

export interface CatalogPort {
  /** The partition's location (`s3://bucket/…/`), undefined when it is not registered. */
  partitionLocation(values: readonly string[]): Promise<string | undefined>;
  /** Registers the partition at `location`, or moves it there (one Glue write: atomic for readers). */
  setPartitionLocation(values: readonly string[], location: string): Promise<void>;
}

/** The partition kept moving between runs for MAX_SETTLE_ROUNDS rounds. */
export class CompactionConflictError extends FleetStreamError {
  override readonly name = 'CompactionConflictError';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20261121T100500123Z-<suffix>`: sorts by start time (UTC, ms), the suffix breaks ties. */
export const runIdAt = (nowMs: number, suffix: string): string => {
  const t = new Date(nowMs);
  return (
    `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T` +
    `${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}${pad(t.getUTCMilliseconds(), 3)}Z-${suffix}`
  );
};

const RUN_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-[\w-]+$/;

/** Start time of a run id, NaN when it is not one. */
export const runStartMs = (id: string): number => {
  const m = RUN_ID.exec(id);
  return m === null ? Number.NaN : Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
};

/** The run a key or location belongs to (`…/run=<id>/…`), undefined outside a run folder. */
export const runOf = (keyOrLocation: string | undefined): string | undefined =>
  keyOrLocation === undefined ? undefined : /\/run=([^/]+)\//.exec(keyOrLocation)?.[1];

export interface HourFolder {
  readonly keys: readonly string[];
  /** Runs with their complete marker. */
  readonly complete: ReadonlySet<string>;
  readonly settled: ReadonlySet<string>;
}

export const readHourFolder = async (store: ObjectStorePort, hourPrefix: string): Promise<HourFolder> => {
  const keys = await store.listKeys(hourPrefix);
  const marked = (marker: string) =>
    new Set(keys.filter((k) => k.endsWith(`/${marker}`)).flatMap((k) => runOf(k) ?? []));
  return { keys, complete: marked(COMPLETE_MARKER), settled: marked(SETTLED_MARKER) };
};

const newest = (runs: Iterable<string | undefined>): string | undefined => {
  let best: string | undefined;
  for (const run of runs) if (run !== undefined && (best === undefined || run > best)) best = run;
  return best;
};

export interface SwapContext {
  readonly store: ObjectStorePort;
  readonly catalog: CatalogPort;
  /** `curated/telemetry/day=…/hour=…/`. */
  readonly hourPrefix: string;
  readonly partitionValues: readonly string[];
  /** `s3://bucket/` + a run's prefix. */
  readonly locationOf: (run: string) => string;
}

/**
 * Moves the partition to the newest complete run until a check finds it there (the run that called is complete, so
 * there is one). Returns that winner.
 */
export const settlePartition = async (context: SwapContext): Promise<string> => {
  for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
    const folder = await readHourFolder(context.store, context.hourPrefix);
    const current = runOf(await context.catalog.partitionLocation(context.partitionValues));
    const target = newest([...folder.complete, current]);
    if (target === undefined)
      throw new CompactionConflictError(`no complete run under ${context.hourPrefix}`);
    if (current === target) return target;
    await context.catalog.setPartitionLocation(context.partitionValues, context.locationOf(target));
  }
  throw new CompactionConflictError(
    `the partition of ${context.hourPrefix} kept moving for ${MAX_SETTLE_ROUNDS} rounds`,
  );
};

export interface SweepInput {
  readonly nowMs: number;
  /** A run started longer ago than this has ended (the function's timeout). */
  readonly maxRunMs: number;
}

/**
 * Deletes what no reader can be pointed at any more, judged against the run the partition points at now (not the one
 * this run settled on: a later run may have moved it since): older runs that are settled (they never move the
 * partition again) or ended, and files outside run folders. Returns how many objects.
 */
export const sweepHour = async (context: SwapContext, input: SweepInput): Promise<number> => {
  const folder = await readHourFolder(context.store, context.hourPrefix);
  const pointed = runOf(await context.catalog.partitionLocation(context.partitionValues));
  if (pointed === undefined) return 0;
  const gone = (run: string | undefined): boolean => {
    if (run === undefined) return true; // a file of the layout before runs: the partition never points there
    if (run >= pointed) return false;
    return folder.settled.has(run) || input.nowMs - runStartMs(run) > input.maxRunMs;
  };
  return context.store.deleteKeys(folder.keys.filter((key) => gone(runOf(key))));
};
