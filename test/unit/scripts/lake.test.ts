import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv, formatJson, formatTable } from '#scripts/lake/format.ts';
import { main } from '#scripts/lake.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const run = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('npm run lake (local)', () => {
  let lake = '';
  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'fleetstream-lake-cli-'));
    dirs.push(lake);
    const hour = join(lake, 'raw', 'year=2026', 'month=11', 'day=21', 'hour=09');
    await mkdir(hour, { recursive: true });
    const lines = [
      '{"deviceid":"dvc0001","model":"EVG2000","cpuusage":73,"event_time":"2026-11-21T09:15:30.123Z"}',
      '{"deviceid":"dvc0002","model":"EVG2000","cpuusage":"41.5","event_time":"2026-11-21 09:16:00"}',
      '{"deviceid":"dvc0003","model":"ARC-X5",',
    ];
    await writeFile(join(hour, 'fleetstream-raw-1.gz'), gzipSync(`${lines.join('\n')}\n`));
    await writeFile(
      join(lake, 'q.sql'),
      'SELECT count(deviceid) AS records FROM raw_telemetry WHERE hour = ?',
    );
  });

  it('prints an aligned table and reports the malformed line without failing', async () => {
    const { code, out, err } = await run([
      '--dir',
      lake,
      'SELECT deviceid, cpuusage FROM raw_telemetry ORDER BY deviceid NULLS LAST',
    ]);
    expect(code, err).toBe(0);
    expect(out.split('\n')).toEqual([
      'deviceid | cpuusage',
      '---------+---------',
      'dvc0001  |       73',
      'dvc0002  |     41.5',
      'NULL     |     NULL',
      '(3 rows)',
    ]);
    expect(err).toMatch(
      /^lake: 3 non-blank lines, 1 malformed \(read as rows of NULLs, as Athena does\), [\d.]+ s$/,
    );
  });

  it('reads the query from --file and binds --param values to its placeholders', async () => {
    const { code, out } = await run(['--dir', lake, '--csv', '--file', join(lake, 'q.sql'), '--param', '09']);
    expect(code).toBe(0);
    expect(out).toBe('records\n2');
  });

  it('says the lake is empty rather than failing on a glob', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'fleetstream-lake-empty-'));
    dirs.push(empty);
    const { code, err } = await run(['--dir', empty, 'SELECT 1']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: no raw data under .*raw\/ — run npm start first$/);
    await mkdir(join(empty, 'raw'));
    const again = await run(['--dir', empty, 'SELECT count(*) FROM raw_telemetry']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^error: no raw files under .*raw\/ yet$/);
  });

  it('reports a SQL error as one line and exit 1', async () => {
    const { code, err } = await run(['--dir', lake, 'SELECT nope FROM raw_telemetry']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: .*nope/);
  });

  it.each([
    [[], /missing "<SQL>"/],
    [['SELECT 1', 'SELECT 2'], /expected one SQL argument, got 2/],
    [['--file', 'x.sql', 'SELECT 1'], /not both/],
    [['--file', '/nonexistent/q.sql'], /cannot read --file \/nonexistent\/q.sql/],
    [['--json', '--csv', 'SELECT 1'], /--json and --csv exclude each other/],
    [['--bogus', 'SELECT 1'], /Unknown option '--bogus'/],
    [['--workgroup', 'w', 'SELECT 1'], /go with --athena/],
  ])('exits 2 with the usage line on bad flags %#', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/usage: npm run lake/);
  });
});

describe('lake output formats', () => {
  const result = {
    columns: [
      { name: '__proto__', type: 'varchar' },
      { name: 'n', type: 'bigint' },
      { name: 'd', type: 'decimal(4,2)' },
    ],
    rows: [
      ['a,"b"', '9007199254740993', '1.50'],
      [null, '2', null],
      ['', '-3', '0.10'],
    ],
  };

  it('JSON keeps a column named __proto__ as data, numbers as numbers unless they would lose digits', () => {
    const parsed = JSON.parse(formatJson(result)) as Record<string, unknown>[];
    expect(parsed.map((row) => Object.entries(row))).toEqual([
      [
        ['__proto__', 'a,"b"'],
        ['n', '9007199254740993'],
        ['d', '1.50'],
      ],
      [
        ['__proto__', null],
        ['n', 2],
        ['d', null],
      ],
      [
        ['__proto__', ''],
        ['n', -3],
        ['d', '0.10'],
      ],
    ]);
    expect(formatJson({ columns: result.columns, rows: [] })).toBe('[]');
  });

  it('CSV quotes what needs quoting and tells NULL (empty) from the empty string ("")', () => {
    expect(formatCsv(result).split('\n')).toEqual([
      '__proto__,n,d',
      '"a,""b""",9007199254740993,1.50',
      ',2,',
      '"",-3,0.10',
    ]);
  });

  it('table right-aligns numbers, spells out NULL, counts rows', () => {
    expect(formatTable(result).split('\n')).toEqual([
      '__proto__ |                n |    d',
      '----------+------------------+-----',
      'a,"b"     | 9007199254740993 | 1.50',
      'NULL      |                2 | NULL',
      '          |               -3 | 0.10',
      '(3 rows)',
    ]);
  });
});
