import { readdir, readFile, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { compactLocalHour } from './compact-local.ts';
import { HOUR_MS } from './hour.ts';

/**
 * The bench's compaction of every event hour of the day, as the schedule would run it (the default late window), each
 * hour measured: wall clock, CPU of the whole process (main thread, zlib's pool, DuckDB's threads), and how long the
 * main thread (which curates) sat runnable but waiting for a core (Linux schedstat): on a shared machine that wait,
 * not the work, is what makes the wall clock longer than the CPU time.
 */

export interface HourMeasure {
  readonly hour: string;
  readonly rows: number;
  readonly objects: number;
  readonly bytes: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Main thread runnable but not running (null where /proc/self/schedstat is missing). */
  readonly runQueueWaitSeconds: number | null;
  /** 1-minute load average when the hour finished. */
  readonly load1: number;
}

export interface DayCompaction {
  readonly perHour: HourMeasure[];
  readonly rows: number;
  readonly bytes: number;
  readonly maxWallSeconds: number;
  readonly medianWallSeconds: number;
  readonly maxCpuSeconds: number;
  readonly medianCpuSeconds: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Nanoseconds the main thread has waited on a run queue, or null off Linux. */
const runQueueWaitNs = async (): Promise<number | null> => {
  const text = await readFile('/proc/self/schedstat', 'utf8').catch(() => null);
  const waited = text === null ? Number.NaN : Number(text.trim().split(/\s+/)[1]);
  return Number.isFinite(waited) ? waited : null;
};

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export const measureHour = async (lakeDir: string, eventHourMs: number): Promise<HourMeasure> => {
  const waitBefore = await runQueueWaitNs();
  const cpu = process.cpuUsage();
  const result = await compactLocalHour({
    lakeDir,
    eventHourMs,
    lateHours: CURATED_COMPACTION_DEFAULTS.lateHours,
  });
  const used = process.cpuUsage(cpu);
  const waitAfter = await runQueueWaitNs();
  return {
    hour: result.hour,
    rows: result.rows,
    objects: result.objects,
    bytes: result.bytes,
    wallSeconds: result.seconds,
    cpuSeconds: round3((used.user + used.system) / 1e6),
    runQueueWaitSeconds:
      waitBefore === null || waitAfter === null ? null : round3((waitAfter - waitBefore) / 1e9),
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
};

/** Compacts event hours `dayStartMs + 0..hours-1`, one after the other, reporting each on stderr. */
export const compactDay = async (
  lakeDir: string,
  dayStartMs: number,
  hours: number,
): Promise<DayCompaction> => {
  const perHour: HourMeasure[] = [];
  for (let h = 0; h < hours; h++) {
    const m = await measureHour(lakeDir, dayStartMs + h * HOUR_MS);
    perHour.push(m);
    process.stderr.write(
      `compacted ${m.hour}: ${m.rows} rows from ${m.objects} objects, ${m.wallSeconds} s wall, ${m.cpuSeconds} s CPU, ` +
        `${m.runQueueWaitSeconds ?? '?'} s waiting for a core (load ${m.load1})\n`,
    );
  }
  return {
    perHour,
    rows: perHour.reduce((sum, p) => sum + p.rows, 0),
    bytes: perHour.reduce((sum, p) => sum + p.bytes, 0),
    maxWallSeconds: Math.max(...perHour.map((p) => p.wallSeconds)),
    medianWallSeconds: median(perHour.map((p) => p.wallSeconds)),
    maxCpuSeconds: Math.max(...perHour.map((p) => p.cpuSeconds)),
    medianCpuSeconds: median(perHour.map((p) => p.cpuSeconds)),
  };
};

/** Bytes of the files under `dir` whose names end with `suffix` (recursively). */
export const bytesUnder = async (dir: string, suffix: string): Promise<number> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => `${e.parentPath}/${e.name}`);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  return sizes.reduce((a, b) => a + b, 0);
};
