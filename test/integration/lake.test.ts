import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '#scripts/lake.ts';
import { startRawArchive } from '#scripts/local/raw-archive.ts';
import { waitFor } from '#test/support/integration.ts';
import { createTestTopic, testKafka } from '#test/support/kafka.ts';
import {
  devicesDown,
  lakeRecords,
  nearestRankP95,
  type ProducedRecord,
  p95CpuPerModelPerDay,
  recordsPerModelPerHour,
} from '#test/support/lake-reference.ts';
import { uniquePrefix } from '#test/support/local-aws.ts';

/**
 * Known records go through the local pipeline (Kafka → the raw archive, stopped cleanly) into two arrival hours;
 * `npm run lake` must then answer the named queries in docs/queries/ exactly as computed from the records.
 */

const FIRST_HOUR = { year: '2026', month: '11', day: '21', hour: '05' };
const SECOND_HOUR = { year: '2026', month: '11', day: '21', hour: '06' };
const FIRST_COUNT = 1_400;
const SECOND_COUNT = 900;

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const produce = async (topic: string, records: readonly ProducedRecord[]) => {
  const producer = testKafka(inject('brokers')).producer();
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 500) {
      const messages = records.slice(i, i + 500).map((r) => ({ key: r.deviceid, value: r.value }));
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
};

const hourStart = ({ year, month, day, hour }: typeof FIRST_HOUR) =>
  Date.parse(`${year}-${month}-${day}T${hour}:00:00Z`);

/** Archives what is on the topic as if it arrived in `hour`: real elapsed time, shifted into that hour. */
const archiveInHour = async (
  topic: string,
  groupId: string,
  dir: string,
  hour: typeof FIRST_HOUR,
  total: number,
) => {
  const shift = hourStart(hour) + 60_000 - Date.now();
  const archive = await startRawArchive({
    brokers: inject('brokers'),
    topic,
    groupId,
    dir,
    flushIntervalMs: 500,
    maxBytes: 40_000,
    now: () => Math.min(Date.now() + shift, hourStart(hour) + 3_599_999),
  });
  await waitFor(() => archive.stats.records >= total, 90_000, `${total} archived records`);
  await archive.stop();
  return archive.stats;
};

const lake = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const lakeJson = async (dir: string, argv: string[]) => {
  const { code, out, err } = await lake(['--dir', dir, '--json', ...argv]);
  expect(code, err).toBe(0);
  return { rows: JSON.parse(out) as Record<string, unknown>[], err };
};

const filesIn = async (dir: string, hour: typeof FIRST_HOUR) =>
  (
    await readdir(
      join(dir, 'raw', `year=${hour.year}`, `month=${hour.month}`, `day=${hour.day}`, `hour=${hour.hour}`),
    )
  ).filter((f) => f.endsWith('.gz')).length;

describe('npm run lake over the local pipeline', () => {
  const first = lakeRecords(0, FIRST_COUNT);
  const second = lakeRecords(FIRST_COUNT, SECOND_COUNT);
  const all = [...first, ...second];
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetstream-lake-'));
    dirs.push(dir);
    const topic = await createTestTopic(inject('brokers'), 'lake', 3);
    const groupId = uniquePrefix('lake-archive');
    await produce(topic, first);
    expect((await archiveInHour(topic, groupId, dir, FIRST_HOUR, FIRST_COUNT)).records).toBe(FIRST_COUNT);
    // The same group resumes where the first run committed: only the new records land in the second hour.
    await produce(topic, second);
    expect((await archiveInHour(topic, groupId, dir, SECOND_HOUR, SECOND_COUNT)).records).toBe(SECOND_COUNT);
  });

  it('answers records per model per hour exactly, and reports the malformed lines it read as NULL rows', async () => {
    const { rows, err } = await lakeJson(dir, ['--file', 'docs/queries/records-per-model-per-hour.sql']);
    const expected = recordsPerModelPerHour(all);
    expect(expected.length).toBeGreaterThanOrEqual(18); // 3 models × 6 event hours
    expect(rows).toEqual(expected);
    const malformed = all.filter((r) => r.malformed).length;
    expect(malformed).toBeGreaterThan(20);
    expect(err).toContain(`lake: ${all.length} non-blank lines, ${malformed} malformed`);
  });

  it('answers the devices that went down in a time range exactly', async () => {
    const [from, to] = ['2026-11-20 23:30:00', '2026-11-21 01:15:00'];
    const { rows } = await lakeJson(dir, [
      '--file',
      'docs/queries/devices-down.sql',
      '--param',
      from,
      '--param',
      to,
    ]);
    const expected = devicesDown(all, from, to);
    expect(expected.length).toBeGreaterThan(20);
    expect(rows).toEqual(expected);
  });

  it('answers p95 CPU per model per day by nearest rank, ties and blog-format numbers included', async () => {
    const { rows } = await lakeJson(dir, ['--file', 'docs/queries/p95-cpu-per-model-per-day.sql']);
    const expected = p95CpuPerModelPerDay(all);
    expect(expected.map((r) => r.event_day)).toEqual(expect.arrayContaining(['2026-11-20', '2026-11-21']));
    expect(rows).toEqual(expected);
    // The nearest rank is a value that was sent, not an interpolation between two.
    for (const row of expected) {
      const sent = all.filter((r) => r.model === row.model && r.eventTime?.startsWith(row.event_day));
      expect(sent.map((r) => r.cpuusage)).toContain(row.p95_cpu);
    }
    expect(nearestRankP95([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])).toBe(19);
  });

  it('prunes by year/month/day/hour in a WHERE: only that hour is read and counted', async () => {
    const { year, month, day, hour } = SECOND_HOUR;
    const where = 'year = ? AND month = ? AND day = ? AND hour = ?';
    const params = [year, month, day, hour].flatMap((p) => ['--param', p]);
    const { rows } = await lakeJson(dir, [
      ...params,
      `SELECT count(*) AS lines, count(deviceid) AS records, min(hour) AS hour FROM raw_telemetry WHERE ${where}`,
    ]);
    expect(rows).toEqual([
      { lines: second.length, records: second.filter((r) => r.deviceid !== null).length, hour },
    ]);

    // The plan shows the files outside the WHERE were never opened.
    const explained = await lake([
      '--dir',
      dir,
      '--csv',
      '--no-line-count',
      ...params,
      `EXPLAIN ANALYZE SELECT count(*) FROM raw_telemetry WHERE ${where}`,
    ]);
    expect(explained.code, explained.err).toBe(0);
    const [secondFiles, firstFiles] = [await filesIn(dir, SECOND_HOUR), await filesIn(dir, FIRST_HOUR)];
    expect(firstFiles).toBeGreaterThan(1);
    expect(explained.out).toMatch(
      new RegExp(`Scanning Files: ${secondFiles}/${secondFiles + firstFiles}\\b`),
    );
  });

  it('runs as `npm run lake` from the shell, printing an aligned table', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        'lake',
        '--',
        '--dir',
        dir,
        "SELECT hour, count(*) AS lines FROM raw_telemetry WHERE year = '2026' GROUP BY hour ORDER BY hour",
      ],
      { cwd: process.cwd() },
    );
    expect(stdout.trim().split('\n')).toEqual([
      'hour | lines',
      '-----+------',
      `05   | ${String(first.length).padStart(5)}`,
      `06   | ${String(second.length).padStart(5)}`,
      '(2 rows)',
    ]);
    expect(stderr).toMatch(/lake: \d+ non-blank lines/);
  });
});
