/**
 * `npm run bench:lake -- [--rate 200] [--devices 100] [--hours 24] [--dir DIR] [--keep]`: how long `npm run lake`
 * takes over a day of lake data at `npm start`'s default rate, over the raw archive and over the curated table (each
 * event hour compacted as the schedule would, timed: wall clock and CPU). Writes the day as the raw archive would (gzip NDJSON,
 * a file per 60 s of arrivals or 5 MiB, hour folders) from the telemetry generator, then times each named query in
 * docs/queries/, an hour-pruned count and the line count (first query, then cached). Prints JSON; the temp lake
 * is removed unless --keep.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { createTelemetryStream } from '#lambda/generator/index.ts';
import { archivePath } from '#scripts/local/raw-archive.ts';
import { numberFlag, runCliForCode, UsageError } from '#scripts/shared/cli.ts';
import { compactLocalHour } from './compact-local.ts';
import { HOUR_MS } from './hour.ts';
import { LINE_COUNTS_FILE } from './line-counts.ts';
import { queryLocalLake } from './local-lake.ts';

export const benchDaySpec = {
  usage:
    'usage: npm run bench:lake -- [--rate 200] [--devices 100] [--hours 24] [--dir DIR] [--keep] [--reuse [--no-compact]]',
  description:
    '--reuse: time the queries over the lake already in --dir (written by an earlier --dir run); --no-compact: keep\n' +
    'its curated table as it is (compacted by an earlier run).',
  options: {
    rate: { type: 'string', default: '200' },
    devices: { type: 'string', default: '100' },
    hours: { type: 'string', default: '24' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    'no-compact': { type: 'boolean', default: false },
  },
} as const;

/** Firehose's (and the local archive's) default buffering: 60 s or 5 MiB, whichever first. */
const FLUSH_MS = 60_000;
const FLUSH_BYTES = 5 * 1024 * 1024;
const DAY_START = Date.parse('2026-11-21T00:00:00Z');

interface LakeStats {
  records: number;
  files: number;
  rawBytes: number;
  gzipBytes: number;
  writeSeconds: number;
}

/** Writes `hours` of telemetry at `rate` records/s into `<dir>/raw/…`, arrival time = event time. */
const writeDay = async (dir: string, rate: number, devices: number, hours: number): Promise<LakeStats> => {
  const started = performance.now();
  const total = Math.round(rate * hours * 3600);
  let emitted = 0;
  const arrival = () => DAY_START + Math.floor((emitted * 1000) / rate);
  const stream = createTelemetryStream({ devices, seed: 16, clock: arrival });
  const stats: LakeStats = { records: 0, files: 0, rawBytes: 0, gzipBytes: 0, writeSeconds: 0 };
  let lines: Buffer[] = [];
  let bytes = 0;
  let openedAt = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    const path = join(dir, archivePath('fleetstream-raw', openedAt));
    await mkdir(join(path, '..'), { recursive: true });
    const gz = gzipSync(Buffer.concat(lines));
    await writeFile(path, gz);
    stats.files++;
    stats.gzipBytes += gz.length;
    lines = [];
    bytes = 0;
  };
  const hourOf = (ms: number) => Math.floor(ms / 3_600_000);
  while (emitted < total) {
    const at = arrival();
    const message = stream.next().value;
    if (lines.length > 0 && (at - openedAt >= FLUSH_MS || hourOf(at) !== hourOf(openedAt))) await flush();
    if (lines.length === 0) openedAt = at;
    lines.push(message.value, Buffer.from('\n'));
    bytes += message.value.length + 1;
    stats.rawBytes += message.value.length + 1;
    emitted++;
    if (bytes >= FLUSH_BYTES) await flush();
  }
  await flush();
  stats.records = emitted;
  stats.writeSeconds = (performance.now() - started) / 1000;
  return stats;
};

const timed = async <T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> => {
  const started = performance.now();
  const value = await work();
  return { seconds: Math.round(performance.now() - started) / 1000, value };
};

const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Bytes of the raw archive's gzip objects (the lake as Firehose wrote it). */
const rawBytesOnDisk = async (dir: string): Promise<number> => {
  const entries = await readdir(join(dir, 'raw'), { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.gz'))
    .map((e) => join(e.parentPath, e.name));
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  return sizes.reduce((a, b) => a + b, 0);
};

/** Compacts every event hour of the day as the schedule would (default late window), timing each. */
const compactDay = async (dir: string, hours: number) => {
  const perHour: { hour: string; rows: number; seconds: number; cpuSeconds: number; bytes: number }[] = [];
  for (let h = 0; h < hours; h++) {
    const cpu = process.cpuUsage();
    const result = await compactLocalHour({
      lakeDir: dir,
      eventHourMs: DAY_START + h * HOUR_MS,
      lateHours: CURATED_COMPACTION_DEFAULTS.lateHours,
    });
    const used = process.cpuUsage(cpu);
    const cpuSeconds = Math.round((used.user + used.system) / 1000) / 1000;
    perHour.push({
      hour: result.hour,
      rows: result.rows,
      seconds: result.seconds,
      cpuSeconds,
      bytes: result.bytes,
    });
    process.stderr.write(
      `compacted ${result.hour}: ${result.rows} rows, ${result.seconds} s (${cpuSeconds} s CPU)\n`,
    );
  }
  const seconds = perHour.map((p) => p.seconds);
  return {
    hours: perHour.length,
    rows: perHour.reduce((sum, p) => sum + p.rows, 0),
    bytes: perHour.reduce((sum, p) => sum + p.bytes, 0),
    maxHourSeconds: Math.max(...seconds),
    medianHourSeconds: [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)],
    maxHourCpuSeconds: Math.max(...perHour.map((p) => p.cpuSeconds)),
  };
};

/** The named queries' curated variants (docs/queries/*.curated.sql), timed, with the speed-up over the raw view. */
const timeCuratedQueries = async (
  dir: string,
  queries: readonly [string, string, string[]][],
  raw: Record<string, { seconds: number; rows: number }>,
) => {
  const out: Record<string, { seconds: number; rows: number; speedup: number }> = Object.create(null);
  for (const [name, , params] of queries) {
    const file = `docs/queries/${name}.curated.sql`;
    const sql = await readFile(file, 'utf8').catch(() => undefined);
    if (sql === undefined) continue;
    const run = await timed(() => queryLocalLake({ lakeDir: dir, sql, params, countMalformed: false }));
    const rawSeconds = raw[name]?.seconds ?? Number.NaN;
    out[name] = {
      seconds: run.seconds,
      rows: run.value.result.rows.length,
      speedup: Math.round((rawSeconds / Math.max(run.seconds, 0.001)) * 10) / 10,
    };
    process.stderr.write(`${name} (curated): ${run.seconds} s\n`);
  }
  return out;
};

export const main = async (argv: string[], print: (text: string) => void): Promise<number> => {
  return runCliForCode(
    benchDaySpec,
    async ({ values: v }) => {
      const rate = numberFlag('rate', v.rate, { min: 1, max: 100_000 });
      const devices = numberFlag('devices', v.devices, { min: 1, max: 1_000_000, integer: true });
      const hours = numberFlag('hours', v.hours, { min: 1, max: 24, integer: true });
      const dir = v.dir ?? (await mkdtemp(join(tmpdir(), 'fleetstream-lake-day-')));
      try {
        if (v.reuse && v.dir === undefined) throw new UsageError('--reuse needs --dir');
        if (v.reuse) await rm(join(dir, LINE_COUNTS_FILE), { force: true });
        const lake = v.reuse ? undefined : await writeDay(dir, rate, devices, hours);
        if (lake !== undefined)
          process.stderr.write(
            `wrote ${lake.records} records in ${lake.files} files (${lake.writeSeconds.toFixed(1)} s)\n`,
          );
        const compaction = v['no-compact'] ? undefined : await compactDay(dir, hours);
        const queries: [string, string, string[]][] = [
          ['count', 'SELECT count(*) AS lines FROM raw_telemetry', []],
          [
            'one hour (pruned)',
            "SELECT count(*) AS lines FROM raw_telemetry WHERE year = '2026' AND month = '11' AND day = '21' AND hour = '12'",
            [],
          ],
          [
            'records-per-model-per-hour',
            await readFile('docs/queries/records-per-model-per-hour.sql', 'utf8'),
            [],
          ],
          [
            'devices-down',
            await readFile('docs/queries/devices-down.sql', 'utf8'),
            // The middle half of the lake's hours (08:00–20:00 for a day).
            [
              utcText(DAY_START + Math.floor(hours / 3) * HOUR_MS),
              utcText(DAY_START + Math.ceil((hours * 5) / 6) * HOUR_MS),
            ],
          ],
          [
            'p95-cpu-per-model-per-day',
            await readFile('docs/queries/p95-cpu-per-model-per-day.sql', 'utf8'),
            [],
          ],
        ];
        const results: Record<string, { seconds: number; rows: number }> = Object.create(null);
        for (const [name, sql, params] of queries) {
          const run = await timed(() => queryLocalLake({ lakeDir: dir, sql, params, countMalformed: false }));
          results[name] = { seconds: run.seconds, rows: run.value.result.rows.length };
          process.stderr.write(`${name}: ${run.seconds} s\n`);
        }
        const curated = await timeCuratedQueries(dir, queries, results);
        const countLines = () => queryLocalLake({ lakeDir: dir, sql: 'SELECT 1', countMalformed: true });
        const firstCount = await timed(countLines);
        const cachedCount = await timed(countLines);
        print(
          JSON.stringify(
            {
              rate,
              devices,
              hours,
              lake: lake && {
                ...lake,
                rawMiB: Math.round(lake.rawBytes / 1024 ** 2),
                gzipMiB: Math.round(lake.gzipBytes / 1024 ** 2),
              },
              querySeconds: results,
              compaction,
              rawGzipBytes: await rawBytesOnDisk(dir),
              curatedToRawBytes:
                compaction && Math.round((compaction.bytes / (await rawBytesOnDisk(dir))) * 1000) / 1000,
              curated,
              lineCountSeconds: { firstQuery: firstCount.seconds, later: cachedCount.seconds },
            },
            null,
            2,
          ),
        );
      } finally {
        if (!v.keep && v.dir === undefined) await rm(dir, { recursive: true, force: true });
      }
      return 0;
    },
    { argv },
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(await main(process.argv.slice(2), (text) => process.stdout.write(`${text}\n`)));
}
