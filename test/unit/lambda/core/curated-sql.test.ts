import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATHENA, compactionSelectSql, DUCKDB, type SqlDialect, unloadSql } from '#core/curated-sql.ts';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS } from '#core/record.ts';
import { curateHour, type RawObjectLines } from '#scripts/lake/curate.ts';
import { arrivalHoursFor, HOUR_MS, rawPartitionPath } from '#scripts/lake/hour.ts';

/**
 * The compaction SQL must keep exactly what the processor's decodeRecord keeps. Athena cannot run here, so the same
 * SQL in DuckDB's spelling runs over a corpus of hostile records and is compared with the local (decodeRecord) path;
 * the Athena spelling differs only in the SqlDialect functions (listed below) and is parsed with Trino's parser in
 * test/integration/lake-trino-syntax.test.ts.
 */

const H = Date.parse('2026-11-21T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const naive = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');

const choice = <T>(...values: T[]) => fc.constantFrom(...values);
const emoji = '\u{1F600}';
const field = {
  deviceid: choice<unknown>(
    'dvc1',
    '',
    'x'.repeat(129),
    'x'.repeat(128),
    123,
    null,
    'a\u0007b',
    `d${emoji}`,
    emoji.repeat(128),
    undefined,
  ),
  model: choice<unknown>(
    'EVG2000',
    '',
    'm'.repeat(257),
    'm'.repeat(256),
    emoji.repeat(128),
    emoji.repeat(129),
    7,
    undefined,
  ),
  interface: choice<unknown>('eth0', '', ['eth0'], undefined),
  interfacestatus: choice<unknown>('down', 'connected', '', { s: 1 }, undefined),
  cpuusage: choice<unknown>(
    50,
    0,
    100,
    100.5,
    -1,
    '50',
    ' 7.5 ',
    '1e1',
    '.5',
    '5.',
    '-0',
    '0x10',
    '',
    'n/a',
    true,
    null,
    72.25,
    undefined,
  ),
  memoryusage: choice<unknown>(0, 1_048_576, 1_048_577, '12', 3.5, undefined),
  event_time: fc.oneof(
    fc.integer({ min: -HOUR_MS, max: 2 * HOUR_MS }).map((d) => iso(H + d)),
    fc.integer({ min: -HOUR_MS, max: 2 * HOUR_MS }).map((d) => naive(H + d)),
    fc.integer({ min: 0, max: HOUR_MS }).map((d) => `${naive(H + d)}.123456`),
    fc.integer({ min: 0, max: HOUR_MS }).map((d) =>
      iso(H + d)
        .replace('T', 't')
        .replace('Z', 'z')
        .replace('.', ','),
    ),
    fc.integer({ min: 0, max: HOUR_MS }).map((d) => iso(H + d + 2 * HOUR_MS).replace('Z', '+02:00')),
    fc.integer({ min: 0, max: HOUR_MS }).map((d) => iso(H + d - 90 * 60_000).replace('Z', '-0130')),
    choice<unknown>(
      '2026-02-30T09:00:00Z',
      '2026-11-21T24:00:00Z',
      '2026-11-21T09:60:00Z',
      '2026-11-21T09:00:00+24:00',
      '2026-11-21',
      '2026-11-21T09:00:00',
      1_700_000_000,
      undefined,
    ),
  ),
};

const lineArb = fc.oneof(
  { weight: 8, arbitrary: fc.record(field).map((r) => JSON.stringify(r)) },
  {
    weight: 1,
    arbitrary: choice(
      '',
      '{',
      '[1,2]',
      'null',
      '"x"',
      '{"deviceid":"d1","cpuusage":1e400}',
      `{"pad":"${'p'.repeat(70_000)}"}`,
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .record(field)
      .map((r) => `${JSON.stringify({ ...r, event_time: iso(H + 1_000), cpuusage: 5, memoryusage: 5 })}\r`),
  },
);

const OBJECT_HOURS = [H - HOUR_MS, H, H + HOUR_MS];

/** The corpus as raw objects: each line in one of three arrival hours, some lines delivered twice. */
const corpus = (lines: readonly string[]): RawObjectLines[] =>
  OBJECT_HOURS.map((arrivalHourMs, k) => ({
    key: `raw/${rawPartitionPath(arrivalHourMs)}/o${k}.gz`,
    arrivalHourMs,
    lines: lines.filter((_, i) => i % 3 === k || i % 7 === k).map((l) => Buffer.from(l)),
  }));

const sqlRows = async (dialect: SqlDialect, objects: readonly RawObjectLines[]) => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(
      'CREATE TABLE raw_lines (line VARCHAR, object VARCHAR, year VARCHAR, month VARCHAR, day VARCHAR, hour VARCHAR)',
    );
    const appender = await connection.createAppender('raw_lines');
    for (const object of objects) {
      const [year, month, day, hour] = rawPartitionPath(object.arrivalHourMs)
        .split('/')
        .map((p) => p.split('=')[1] ?? '');
      for (const line of object.lines) {
        // Athena decodes a line as UTF-8, bad bytes as U+FFFD; Buffer.toString does the same.
        for (const value of [line.toString('utf8'), object.key, year, month, day, hour])
          appender.appendVarchar(value ?? '');
        appender.endRow();
      }
    }
    appender.closeSync();
    const select = compactionSelectSql(dialect, {
      eventHourMs: H,
      arrivalHoursMs: arrivalHoursFor(H, { lateHours: 0 }),
      maxEventTimeSkewMs: DEFAULT_MAX_EVENT_TIME_SKEW_MS,
    });
    const reader = await connection.runAndReadAll(
      `SELECT deviceid, model, interface, interfacestatus, cpuusage, memoryusage, epoch_ms(event_time) AS t, source_object FROM (${select})`,
    );
    return reader
      .getRows()
      .map(([d, m, i, s, c, mem, t, o]) => [d, m, i, s, Number(c), Number(mem), Number(t), o]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

const localRows = (objects: readonly RawObjectLines[]) =>
  curateHour(objects, { eventHourMs: H }).map((r) => [
    r.deviceid,
    r.model,
    r.interface,
    r.interfacestatus,
    r.cpuusage,
    r.memoryusage,
    r.eventTimeMs,
    r.sourceObject,
  ]);

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

describe('the compaction SQL (DuckDB spelling) keeps what decodeRecord keeps', () => {
  it('on a corpus of hostile records, delivered twice, early and late', async () => {
    const lines = fc.sample(lineArb, { numRuns: 3_000, seed: 23 });
    const objects = corpus(lines);
    const local = localRows(objects);
    expect(local.length).toBeGreaterThan(20);
    expect(sorted(await sqlRows(DUCKDB, objects))).toEqual(sorted(local));
  }, 60_000);

  it('on the edges: skew, offsets, numeric strings, UTF-16 lengths, bad UTF-8', async () => {
    const ok = {
      deviceid: 'd',
      model: 'm',
      interface: 'i',
      interfacestatus: 's',
      cpuusage: 1,
      memoryusage: 1,
    };
    const at = (event_time: string, extra: object = {}) => JSON.stringify({ ...ok, event_time, ...extra });
    const lines = [
      at(iso(H + 4 * 60_000)), // arrived in the hour before, 4 min ahead: accepted
      at(iso(H + 6 * 60_000), { deviceid: 'late6' }), // 6 min ahead of the hour it arrived in: refused there
      at('2026-11-21T11:30:00+02:00'),
      at('2026-11-21 09:00:00.999999'),
      at(iso(H), { cpuusage: ' 7 ' }),
      at(iso(H), { model: emoji.repeat(128) }),
      at(iso(H), { model: emoji.repeat(129) }),
      `{"deviceid":"\u00ff","model":"m","interface":"i","interfacestatus":"s","cpuusage":1,"memoryusage":1,"event_time":"${iso(H)}"}`,
    ];
    const objects: RawObjectLines[] = [
      { key: 'raw/a.gz', arrivalHourMs: H - HOUR_MS, lines: lines.map((l) => Buffer.from(l)) },
      { key: 'raw/b.gz', arrivalHourMs: H, lines: [Buffer.from([0x7b, 0xc3, 0x28, 0x7d])] },
    ];
    const local = localRows(objects);
    expect(local.map((r) => r[0])).not.toContain('late6');
    expect(sorted(await sqlRows(DUCKDB, objects))).toEqual(sorted(local));
  });

  it('refuses a record with a key twice, which the processor reads with the last value (documented difference)', async () => {
    const line = `{"deviceid":"d","model":"m","interface":"i","interfacestatus":"s","cpuusage":1,"memoryusage":1,"event_time":"${iso(H)}","cpuusage":2}`;
    const objects: RawObjectLines[] = [{ key: 'raw/a.gz', arrivalHourMs: H, lines: [Buffer.from(line)] }];
    expect(localRows(objects)).toHaveLength(1);
    expect(await sqlRows(DUCKDB, objects)).toEqual([]);
  });
});

describe('Athena and DuckDB spell the same SQL differently only in the dialect functions', () => {
  const input = {
    eventHourMs: H,
    arrivalHoursMs: arrivalHoursFor(H, { lateHours: 2 }),
    maxEventTimeSkewMs: 300_000,
  };

  it('lists every difference and why', () => {
    // Why each differs (also in docs/DATA_MODEL.md "Curated table"):
    const why: Record<keyof Omit<SqlDialect, 'name'>, string> = {
      parseJson: 'Trino json_parse fails on bad JSON (try() makes it NULL); DuckDB needs json_valid first',
      jsonText: 'Trino json_format; DuckDB casts JSON to VARCHAR',
      stringValue:
        "Trino CAST(json AS VARCHAR) unquotes; DuckDB's cast keeps the quotes, json_extract_string does not",
      toDouble: 'Trino casts JSON to DOUBLE directly; DuckDB casts the JSON text',
      uniqueKeys:
        'Trino: a JSON object with a key twice does not cast to MAP; DuckDB: compare json_keys with its distinct list',
      regexpLike: 'regexp_like (Trino) is regexp_matches (DuckDB)',
      regexpReplaceAll: "Trino replaces every match; DuckDB only the first unless given 'g'",
      utf8Bytes: 'Trino length(to_utf8(x)); DuckDB strlen(x) counts bytes',
      toInt:
        'try(CAST(x AS INTEGER)) in Trino is TRY_CAST(x AS INTEGER) in DuckDB (a bad number is NULL, not an error)',
      toTimestamp:
        "Athena's Parquet timestamps are millisecond TIMESTAMP(3); DuckDB's TIMESTAMP is microseconds; try() vs TRY_CAST",
      addMillis: "Trino date_add('millisecond', n, t); DuckDB t + to_milliseconds(n)",
    };
    const a = compactionSelectSql(ATHENA, input);
    const d = compactionSelectSql(DUCKDB, input);
    expect(a).not.toEqual(d);
    // With the dialect functions spelled alike, the two texts are one.
    const neutral = Object.fromEntries(
      Object.keys(why).map((k) => [k, (...args: string[]) => `${k}(${args.join(', ')})`]),
    ) as unknown as SqlDialect;
    expect(compactionSelectSql({ ...neutral, name: 'athena' }, input)).toEqual(
      compactionSelectSql({ ...neutral, name: 'duckdb' }, input),
    );
    expect(Object.keys(why).sort()).toEqual(
      Object.keys(ATHENA)
        .filter((k) => k !== 'name')
        .sort(),
    );
  });

  it('wraps the Athena SELECT in UNLOAD to the hour prefix as zstd Parquet (Athena-only statement)', () => {
    const sql = unloadSql(compactionSelectSql(ATHENA, input), 'bucket-1', { day: '2026-11-21', hour: '09' });
    expect(sql).toMatch(/^UNLOAD \(\nWITH lines AS/);
    expect(sql).toContain("TO 's3://bucket-1/curated/telemetry/day=2026-11-21/hour=09/'");
    expect(sql).toContain("WITH (format = 'PARQUET', compression = 'ZSTD')");
    expect(sql).toContain("(year = '2026' AND month = '11' AND day = '21' AND hour = '08')");
    expect(sql).toContain("(year = '2026' AND month = '11' AND day = '21' AND hour = '12')");
  });
});
