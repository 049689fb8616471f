/**
 * `npm run bench:lake`: issue 23's "done when" over one day at `npm start`'s default rate (200 records/s, 100 devices:
 * 17.28 M records). Writes the day's raw archive as Firehose would (bench-archive.ts: gzip NDJSON by arrival hour,
 * re-deliveries, late records, bad lines), compacts every event hour into the curated table as the schedule would
 * (each hour timed: wall, CPU, time waiting for a core), checks the table holds exactly the day's distinct valid
 * records, times each named query in docs/queries/ over the raw view and over the curated table, and prints the
 * verdicts. The result goes into bench/results/latest.json under `lake` (other keys kept) for a full day.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CURATED_TABLE_PREFIX, LAKE_PREFIX } from '#core/contract/lake.ts';
import { numberFlag, runCliForCode, UsageError } from '#scripts/shared/cli.ts';
import { type DayArchiveStats, writeDayArchive } from './bench-archive.ts';
import { bytesUnder, compactDay, type DayCompaction } from './bench-compact.ts';
import { type LakeBenchResult, saveLakeResult, verdictLines } from './bench-report.ts';
import { HOUR_MS } from './hour.ts';
import { queryLocalLake } from './local-lake.ts';

export const benchDaySpec = {
  usage:
    'usage: npm run bench:lake -- [--rate 200] [--devices 100] [--hours 24] [--dir DIR] [--keep] [--reuse] [--out FILE]',
  description:
    'Writes --hours of raw archive at --rate into a temp lake (or --dir; --keep leaves it), compacts every hour,\n' +
    'times the named queries over both tables, prints the done-when verdicts and JSON. --reuse: the lake in --dir\n' +
    'was written by an earlier --keep run (only compaction and queries run again). A full day (--hours 24) is saved\n' +
    'under `lake` in bench/results/latest.json (other keys kept); --out FILE saves any run there instead.',
  options: {
    rate: { type: 'string', default: '200' },
    devices: { type: 'string', default: '100' },
    hours: { type: 'string', default: '24' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
} as const;

const DAY_START = Date.parse('2026-11-21T00:00:00Z');
/** What the archive holds, kept beside it so a --reuse run can still check the row count. */
const ARCHIVE_STATS_FILE = '.bench-archive.json';
const NAMED_QUERIES = ['records-per-model-per-hour', 'devices-down', 'p95-cpu-per-model-per-day'] as const;

const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const timed = async <T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> => {
  const started = performance.now();
  const value = await work();
  return { seconds: Math.round(performance.now() - started) / 1000, value };
};

/** Parameters of a named query: devices-down asks for the middle half of the lake's hours (08:00–20:00 of a day). */
const paramsOf = (name: string, hours: number): string[] =>
  name === 'devices-down'
    ? [
        utcText(DAY_START + Math.floor(hours / 3) * HOUR_MS),
        utcText(DAY_START + Math.ceil((hours * 5) / 6) * HOUR_MS),
      ]
    : [];

const timeQueries = async (dir: string, hours: number): Promise<LakeBenchResult['queries']> => {
  const out: LakeBenchResult['queries'] = {};
  for (const name of NAMED_QUERIES) {
    const params = paramsOf(name, hours);
    const run = async (file: string) => {
      const sql = await readFile(`docs/queries/${file}`, 'utf8');
      return timed(() => queryLocalLake({ lakeDir: dir, sql, params, countMalformed: false }));
    };
    const raw = await run(`${name}.sql`);
    const curated = await run(`${name}.curated.sql`);
    out[name] = {
      rawSeconds: raw.seconds,
      curatedSeconds: curated.seconds,
      speedup: Math.round((raw.seconds / Math.max(curated.seconds, 0.001)) * 10) / 10,
      rawRows: raw.value.result.rows.length,
      curatedRows: curated.value.result.rows.length,
    };
    process.stderr.write(`${name}: raw ${raw.seconds} s, curated ${curated.seconds} s\n`);
  }
  return out;
};

interface RunOptions {
  readonly dir: string;
  readonly rate: number;
  readonly devices: number;
  readonly hours: number;
  readonly reuse: boolean;
}

const runBench = async (o: RunOptions): Promise<LakeBenchResult> => {
  const loadBefore = loadavg();
  const statsFile = join(o.dir, ARCHIVE_STATS_FILE);
  let archive: DayArchiveStats | undefined = o.reuse
    ? await readFile(statsFile, 'utf8').then(
        (text) => JSON.parse(text) as DayArchiveStats,
        () => undefined,
      )
    : undefined;
  if (!o.reuse) {
    archive = await writeDayArchive({
      dir: o.dir,
      rate: o.rate,
      devices: o.devices,
      hours: o.hours,
      dayStartMs: DAY_START,
    });
    process.stderr.write(
      `wrote ${archive.records} records (${archive.badLines} bad, ${archive.lateRecords} late, ` +
        `${archive.redeliveredObjects} objects re-delivered, ${archive.repeatedLines} lines repeated) in ` +
        `${archive.files} files, ${archive.seconds} s\n`,
    );
    await writeFile(statsFile, JSON.stringify(archive));
  }
  await rm(join(o.dir, CURATED_TABLE_PREFIX), { recursive: true, force: true });
  const compaction: DayCompaction = await compactDay(o.dir, DAY_START, o.hours);
  const rawGzip = await bytesUnder(join(o.dir, LAKE_PREFIX.raw), '.gz');
  const curated = await bytesUnder(join(o.dir, CURATED_TABLE_PREFIX), '.parquet');
  const queries = await timeQueries(o.dir, o.hours);
  return {
    measuredAt: new Date().toISOString(),
    command: `npm run bench:lake -- --rate ${o.rate} --devices ${o.devices} --hours ${o.hours}`,
    machine: {
      cpus: availableParallelism(),
      loadBefore: loadBefore.map((l) => Math.round(l * 100) / 100),
      loadAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    rate: o.rate,
    devices: o.devices,
    hours: o.hours,
    archive,
    bytes: { rawGzip, curated, curatedToRaw: Math.round((curated / Math.max(rawGzip, 1)) * 1000) / 1000 },
    compaction,
    queries,
  };
};

export const main = async (argv: string[], print: (text: string) => void): Promise<number> =>
  runCliForCode(
    benchDaySpec,
    async ({ values: v }) => {
      const rate = numberFlag('rate', v.rate, { min: 1, max: 100_000 });
      const devices = numberFlag('devices', v.devices, { min: 1, max: 1_000_000, integer: true });
      const hours = numberFlag('hours', v.hours, { min: 1, max: 24, integer: true });
      if (v.reuse && v.dir === undefined) throw new UsageError('--reuse needs --dir');
      const dir = v.dir ?? (await mkdtemp(join(tmpdir(), 'fleetstream-lake-day-')));
      try {
        const result = await runBench({ dir, rate, devices, hours, reuse: v.reuse });
        const out = v.out ?? (hours === 24 ? 'bench/results/latest.json' : undefined);
        if (out !== undefined) await saveLakeResult(out, result);
        print(JSON.stringify(result, null, 2));
        for (const line of verdictLines(result)) print(line);
        if (out !== undefined) print(`saved under "lake" in ${out}`);
      } finally {
        if (!v.keep && v.dir === undefined) await rm(dir, { recursive: true, force: true });
      }
      return 0;
    },
    { argv },
  );

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(await main(process.argv.slice(2), (text) => process.stdout.write(`${text}\n`)));
}
