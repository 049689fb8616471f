import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '#core/record.ts';
import { compactLocalHour } from '#scripts/lake/compact-local.ts';
import { formatHour, HOUR_MS, hourStart, rawPartitionPath } from '#scripts/lake/hour.ts';
import { queryLocalLake } from '#scripts/lake/local-lake.ts';
import { main } from '#scripts/lake.ts';
import { lakeRecords } from '#test/support/lake-reference.ts';

/**
 * The curated table from a raw archive delivered the way Firehose delivers: at least once (a retried object lands
 * again under a new name; a retried buffer repeats lines in a later object), late (records filed under later arrival
 * hours, or the hour before when event_time runs a little ahead), with bad lines. After compacting every event hour,
 * each hour holds exactly the distinct records the processor accepts, typed as it reads them; compacting again, or
 * twice at once, leaves the same table; the named queries answer over it what they answer over a clean raw archive.
 */

const LATE_HOURS = 2;
const RECORDS = 6_000;
const MIN = 60_000;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const tempLake = async (name: string) => {
  const dir = await mkdtemp(join(tmpdir(), `fleetstream-curated-${name}-`));
  dirs.push(dir);
  return dir;
};

const writeObject = async (
  lakeDir: string,
  arrivalHourMs: number,
  name: string,
  lines: readonly Buffer[],
) => {
  const folder = join(lakeDir, 'raw', rawPartitionPath(arrivalHourMs));
  await mkdir(folder, { recursive: true });
  const body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
  await writeFile(join(folder, `fleetstream-raw-1-${name}.gz`), gzipSync(body));
};

const eventMs = (line: Buffer): number | null => {
  const decoded = decodeRecord(line, null, {});
  return decoded.ok ? decoded.record.eventTimeMs : null;
};

/** Hostile lines the processor refuses although the raw view reads most of them as rows. */
const extraBadLines = (ms: number): Buffer[] =>
  [
    { cpuusage: 150 },
    { memoryusage: -1 },
    { event_time: '2099-01-01T00:00:00Z' },
    { deviceid: '' },
    { model: 7 },
    { event_time: '2026-11-21T25:00:00Z' },
  ].map((patch) =>
    Buffer.from(
      JSON.stringify({
        deviceid: 'dvc9999',
        model: 'EVG2000',
        interface: 'eth0',
        interfacestatus: 'down',
        cpuusage: 5,
        memoryusage: 5,
        event_time: new Date(ms).toISOString(),
        ...patch,
      }),
    ),
  );

interface Corpus {
  readonly dirty: string;
  readonly clean: string;
  /** event hour → distinct valid lines (the expected table). */
  readonly expected: Map<number, Buffer[]>;
}

/** Files each record under an arrival hour: mostly its event hour, some late, some early; then the retries. */
const buildCorpus = async (): Promise<Corpus> => {
  const dirty = await tempLake('dirty');
  const clean = await tempLake('clean');
  const byArrival = new Map<number, Buffer[]>();
  const expected = new Map<number, Buffer[]>();
  const seen = new Set<string>();
  const records = lakeRecords(0, RECORDS);
  records.forEach((record, i) => {
    const at = eventMs(record.value);
    const fallback = Date.parse('2026-11-20T22:00:00Z') + (i % 4) * HOUR_MS;
    const event = at ?? fallback;
    let arrival = hourStart(event);
    if (i % 11 === 0)
      arrival += (1 + (i % 2)) * HOUR_MS; // late: one or two hours after its event hour
    else if (event - hourStart(event) < 4 * MIN && i % 3 === 0) arrival -= HOUR_MS; // event_time a little ahead
    byArrival.set(arrival, [...(byArrival.get(arrival) ?? []), record.value]);
    const key = record.value.toString('latin1');
    if (
      at !== null &&
      !seen.has(key) &&
      decodeRecord(record.value, null, { kafkaTimestampMs: arrival + HOUR_MS }).ok
    ) {
      seen.add(key);
      expected.set(hourStart(at), [...(expected.get(hourStart(at)) ?? []), record.value]);
    }
  });
  let n = 0;
  for (const [arrival, lines] of [...byArrival].sort(([a], [b]) => a - b)) {
    const bad = extraBadLines(arrival + 10 * MIN);
    const [first, second] = [lines.slice(0, lines.length / 2), lines.slice(lines.length / 2)];
    await writeObject(dirty, arrival, `a${n}`, [...first, ...bad.slice(0, 3)]);
    await writeObject(dirty, arrival, `b${n}`, [...second, ...bad.slice(3)]);
    // A Firehose retry of a whole object: the same bytes again under another name.
    if (n % 2 === 0) await writeObject(dirty, arrival, `a${n}-retry`, [...first, ...bad.slice(0, 3)]);
    // A retried buffer repeating lines in the next hour's object.
    await writeObject(dirty, arrival + HOUR_MS, `r${n}`, second.slice(0, 25));
    n++;
  }
  const valid = [...expected.values()].flat();
  await writeObject(clean, Date.parse('2026-11-21T00:00:00Z'), 'clean', valid);
  return { dirty, clean, expected };
};

const compactAll = async (lakeDir: string, hours: Iterable<number>) => {
  for (const hour of hours) await compactLocalHour({ lakeDir, eventHourMs: hour, lateHours: LATE_HOURS });
};

const TABLE_SQL =
  "SELECT day, hour, deviceid, model, interface, interfacestatus, cpuusage, memoryusage, strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS t, source_object FROM telemetry ORDER BY ALL";

const table = async (lakeDir: string) =>
  (await queryLocalLake({ lakeDir, sql: TABLE_SQL, countMalformed: false })).result.rows;

let corpus: Corpus;
let hours: number[];
beforeAll(async () => {
  corpus = await buildCorpus();
  hours = [...corpus.expected.keys()].sort((a, b) => a - b);
  await compactAll(corpus.dirty, hours);
}, 300_000);

describe('the curated table from an at-least-once, late and dirty raw archive', () => {
  it('holds, per event hour, exactly the distinct records the processor accepts, typed as it reads them', async () => {
    expect(hours.length).toBeGreaterThanOrEqual(6);
    const rows = await table(corpus.dirty);
    for (const hour of hours) {
      const [day, hh] = [formatHour(hour).slice(0, 10), formatHour(hour).slice(11, 13)];
      const expected = (corpus.expected.get(hour) ?? [])
        .map((line) => {
          const decoded = decodeRecord(line);
          if (!decoded.ok) throw new Error(decoded.reason);
          const r = decoded.record;
          return [
            day,
            hh,
            r.deviceId,
            r.model,
            r.interface,
            r.status,
            String(r.cpuUsage),
            String(r.memoryUsage),
            r.eventTime,
          ];
        })
        .sort();
      const actual = rows
        .filter((row) => row[0] === day && row[1] === hh)
        // Numbers as the processor reads them (DuckDB prints 73.0 as 73, like String(73)).
        .map((row) => row.slice(0, 9).map((cell, i) => (i === 6 || i === 7 ? String(Number(cell)) : cell)))
        .sort();
      expect(actual).toHaveLength(expected.length);
      expect(actual).toEqual(expected);
    }
  });

  it('traces every row to a raw object of its window', async () => {
    for (const row of await table(corpus.dirty))
      expect(row[9]).toMatch(
        /^raw\/year=2026\/month=11\/day=2[01]\/hour=\d\d\/fleetstream-raw-1-[a-z]\d+(-retry)?\.gz$/,
      );
  });

  it('is the same table after compacting every hour again, and after compacting one hour three times at once', async () => {
    const before = await table(corpus.dirty);
    await compactAll(corpus.dirty, hours);
    const hour = hours[2] ?? 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        compactLocalHour({ lakeDir: corpus.dirty, eventHourMs: hour, lateHours: LATE_HOURS }),
      ),
    );
    expect(await table(corpus.dirty)).toEqual(before);
    const folder = join(
      corpus.dirty,
      'curated',
      'telemetry',
      `day=${formatHour(hour).slice(0, 10)}`,
      `hour=${formatHour(hour).slice(11)}`,
    );
    expect(await readdir(folder)).toEqual(['data.parquet']);
  }, 300_000);

  it('npm run lake -- --compact --hour compacts one hour and reports it', async () => {
    const lake = await tempLake('cli');
    const hour = hours[1] ?? 0;
    const err: string[] = [];
    await writeObject(lake, hour, 'x', corpus.expected.get(hour) ?? []);
    const code = await main(['--compact', '--hour', formatHour(hour), '--dir', lake], {
      stdout: () => {},
      stderr: (t) => err.push(t),
    });
    expect(code).toBe(0);
    expect(err.join('\n')).toContain(
      `compacted ${formatHour(hour)}: ${corpus.expected.get(hour)?.length} rows`,
    );
    const bad = await main(['--compact', '--hour', 'yesterday', '--dir', lake], {
      stdout: () => {},
      stderr: () => {},
    });
    expect(bad).toBe(2);
  });
});

describe('the named queries over the curated table', () => {
  const named = [
    ['records-per-model-per-hour', []],
    ['devices-down', ['2026-11-20 23:00:00', '2026-11-21 02:00:00']],
    ['p95-cpu-per-model-per-day', []],
  ] as const;

  it.each(named)(
    '%s answers over the dirty lake what the raw query answers over the clean one',
    async (name, params) => {
      const raw = await readFile(`docs/queries/${name}.sql`, 'utf8');
      const curated = await readFile(`docs/queries/${name}.curated.sql`, 'utf8');
      const overRaw = await queryLocalLake({
        lakeDir: corpus.clean,
        sql: raw,
        params: [...params],
        countMalformed: false,
      });
      const overCurated = await queryLocalLake({
        lakeDir: corpus.dirty,
        sql: curated,
        params: [...params],
        countMalformed: false,
      });
      expect(overRaw.result.rows.length).toBeGreaterThan(0);
      expect(overCurated.result).toEqual(overRaw.result);
      // The raw query over the dirty lake counts retries and bad lines: the reason the curated table exists.
      const dirtyRaw = await queryLocalLake({
        lakeDir: corpus.dirty,
        sql: raw,
        params: [...params],
        countMalformed: false,
      });
      expect(dirtyRaw.result.rows).not.toEqual(overRaw.result.rows);
    },
  );
});
