import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DayArchiveStats } from './bench-archive.ts';
import type { DayCompaction } from './bench-compact.ts';

/** What `npm run bench:lake` measures (the `lake` key of bench/results/latest.json) and its done-when verdicts. */

export interface LakeQueryTimes {
  readonly rawSeconds: number;
  readonly curatedSeconds: number;
  /** rawSeconds / curatedSeconds. */
  readonly speedup: number;
  readonly rawRows: number;
  readonly curatedRows: number;
}

export interface LakeBenchResult {
  readonly measuredAt: string;
  readonly command: string;
  /** The machine is shared: its load (1, 5, 15 min averages) before and after the run. */
  readonly machine: { cpus: number; loadBefore: number[]; loadAfter: number[] };
  readonly rate: number;
  readonly devices: number;
  readonly hours: number;
  /** How the raw archive was written (absent when an earlier run's archive was reused without its stats). */
  readonly archive: DayArchiveStats | undefined;
  readonly bytes: { rawGzip: number; curated: number; curatedToRaw: number };
  readonly compaction: DayCompaction;
  readonly queries: Record<string, LakeQueryTimes>;
}

/** Issue 23's bounds. */
export const DONE_WHEN = { maxCuratedToRaw: 0.5, minSpeedup: 10, maxHourWallSeconds: 60 } as const;

const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** The done-when lines, one per bound, with the numbers behind them. */
export const verdictLines = (r: LakeBenchResult): string[] => {
  const { bytes, compaction, archive } = r;
  const lines = [
    `load average (1/5/15 min) before ${r.machine.loadBefore.join(' ')}, after ${r.machine.loadAfter.join(' ')} on ${r.machine.cpus} cores`,
    `${mark(bytes.curatedToRaw <= DONE_WHEN.maxCuratedToRaw)} bytes: curated ${bytes.curated} vs raw gzip ${bytes.rawGzip} = ${bytes.curatedToRaw}x (<= ${DONE_WHEN.maxCuratedToRaw})`,
  ];
  for (const [name, q] of Object.entries(r.queries))
    lines.push(
      `${mark(q.speedup >= DONE_WHEN.minSpeedup)} ${name}: raw ${q.rawSeconds} s, curated ${q.curatedSeconds} s = ${q.speedup}x (>= ${DONE_WHEN.minSpeedup}x)`,
    );
  lines.push(
    `${mark(compaction.maxWallSeconds < DONE_WHEN.maxHourWallSeconds)} compaction per hour (${compaction.perHour.length} hours): wall median ${compaction.medianWallSeconds} s, max ${compaction.maxWallSeconds} s (< ${DONE_WHEN.maxHourWallSeconds} s); CPU median ${compaction.medianCpuSeconds} s, max ${compaction.maxCpuSeconds} s`,
  );
  if (archive !== undefined)
    lines.push(
      `${mark(compaction.rows === archive.goodRecords)} rows: curated ${compaction.rows}, distinct valid records written ${archive.goodRecords} (of ${archive.records}; ${archive.redeliveredObjects} objects re-delivered, ${archive.repeatedLines} lines repeated, ${archive.lateRecords} late, ${archive.badLines} bad)`,
    );
  return lines;
};

/** Sets `lake` in the results file, keeping every other key as it is. */
export const saveLakeResult = async (path: string, result: LakeBenchResult): Promise<void> => {
  let doc: Record<string, unknown> = {};
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ ...doc, lake: result }, null, 2)}\n`);
};
