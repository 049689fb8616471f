import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLake } from '#lib/constructs/data-lake.ts';
import { queryLocalLake } from '#scripts/lake/local-lake.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A lake with one file per entry of `files`, all in one hour folder. */
const lakeOf = async (...files: Buffer[][]): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstream-lake-unit-'));
  dirs.push(dir);
  const hour = join(dir, 'raw', 'year=2026', 'month=01', 'day=02', 'hour=03');
  await mkdir(hour, { recursive: true });
  await Promise.all(
    files.map((lines, i) =>
      writeFile(
        join(hour, `f-${i}.gz`),
        gzipSync(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]))),
      ),
    ),
  );
  return dir;
};

const query = async (lakeDir: string, sql: string) => queryLocalLake({ lakeDir, sql });

/** The Glue table as the CDK code defines it (synthesized, not read from the schema module). */
const glueTable = () => {
  const stack = new Stack(new App(), 'S');
  new DataLake(stack, 'Lake');
  const [table] = Object.values(Template.fromStack(stack).findResources('AWS::Glue::Table')) as {
    Properties: {
      TableInput: {
        Name: string;
        PartitionKeys: { Name: string; Type: string }[];
        StorageDescriptor: { Columns: { Name: string; Type: string }[] };
      };
    };
  }[];
  if (table === undefined) throw new Error('no Glue table synthesized');
  return table.Properties.TableInput;
};

// Written out here rather than imported: the test states what each Glue type must look like in DuckDB.
const DUCKDB_OF_GLUE = new Map([
  ['string', 'VARCHAR'],
  ['double', 'DOUBLE'],
]);

describe('the local lake view', () => {
  it('has the Glue table’s name, columns, types and partition columns (strings)', {
    timeout: 120_000,
  }, async () => {
    const table = glueTable();
    const dir = await lakeOf([Buffer.from('{"deviceid":"d1"}')]);
    const described = await query(dir, `DESCRIBE ${table.Name}`);
    const nameAt = described.result.columns.findIndex((c) => c.name === 'column_name');
    const typeAt = described.result.columns.findIndex((c) => c.name === 'column_type');
    const viewColumns = described.result.rows.map((row) => [row[nameAt], row[typeAt]]);
    const glueColumns = [...table.StorageDescriptor.Columns, ...table.PartitionKeys].map((c) => [
      c.Name,
      DUCKDB_OF_GLUE.get(c.Type) ?? `unmapped Glue type ${c.Type}`,
    ]);
    expect(table.PartitionKeys.map((k) => [k.Name, k.Type])).toEqual([
      ['year', 'string'],
      ['month', 'string'],
      ['day', 'string'],
      ['hour', 'string'],
    ]);
    expect(viewColumns).toEqual(glueColumns);
  });

  it('keeps partition values as the folder spells them (leading zeros, as Athena projects them)', async () => {
    const dir = await lakeOf([Buffer.from('{"deviceid":"d1"}')]);
    const { result } = await query(dir, 'SELECT year, month, day, hour FROM raw_telemetry');
    expect(result.rows).toEqual([['2026', '01', '02', '03']]);
  });

  it('keeps the line after one cut short after a colon (lines split strictly on newlines, as Hive does)', async () => {
    const dir = await lakeOf([
      Buffer.from('{"deviceid":"d1","cpuusage":'),
      Buffer.from('{"deviceid":"d2","cpuusage":3}'),
    ]);
    const { result, lineCount } = await query(dir, 'SELECT deviceid, cpuusage FROM raw_telemetry');
    expect(result.rows).toEqual([
      [null, null],
      ['d2', '3'],
    ]);
    expect(lineCount).toEqual({ lines: 2, malformed: 1 });
  });

  it('never aborts on any line: one row per non-blank line, each counted', async () => {
    // Any bytes but a newline (the record separator), not blank: DuckDB skips lines of only space, tab, CR, FF, VT.
    const line = fc
      .uint8Array({ minLength: 1, maxLength: 60 })
      .map((bytes) => Buffer.from(bytes.filter((b) => b !== 0x0a)))
      .filter((bytes) => /[^ \t\r\f\v]/.test(bytes.toString('latin1')));
    const jsonish = fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.oneof(line, jsonish), { minLength: 1, maxLength: 12 }), {
          minLength: 1,
          maxLength: 3,
        }),
        async (files) => {
          const dir = await lakeOf(...files);
          const answer = await query(dir, 'SELECT count(*) AS rows FROM raw_telemetry');
          const lines = files.flat().length;
          expect(answer.result.rows).toEqual([[String(lines)]]);
          expect(answer.lineCount?.lines).toBe(lines);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads each field as its Glue type, NULL where the value does not fit, and malformed lines as NULL rows', async () => {
    const letters = fc.stringMatching(/^[a-z]{1,8}$/).filter((s) => !['nan', 'inf', 'infinity'].includes(s)); // DuckDB reads these as doubles
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
    const number = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      finite.map((d) => Math.round(d * 1000) / 1000),
    );
    // [JSON value of cpuusage, what the double column must hold]
    const cpu: fc.Arbitrary<[unknown, number | null]> = fc.oneof(
      number.map((n): [unknown, number | null] => [n, n]),
      number.map((n): [unknown, number | null] => [String(n), n]), // the blog producer's numeric strings
      letters.map((s): [unknown, number | null] => [s, null]),
      fc.boolean().map((b): [unknown, number | null] => [b, null]),
      fc.constant<[unknown, number | null]>([null, null]),
      fc.constant<[unknown, number | null]>([{ v: 1 }, null]),
    );
    const good = fc
      .record({ deviceid: fc.option(fc.string({ maxLength: 10 })), cpu })
      .map(({ deviceid, cpu: [raw, expected] }) => ({
        line: Buffer.from(JSON.stringify({ deviceid, cpuusage: raw, event_time: '2026-01-02T03:04:05Z' })),
        expected: [deviceid, expected === null ? null : String(expected)] as const,
        malformed: false,
      }));
    const bad = fc
      .constantFrom(
        Buffer.from('{"deviceid":"x",'),
        Buffer.from('{"deviceid":"x","cpuusage":'), // cut after a colon: the next line must stay its own row
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        Buffer.from('[1,2]'),
        Buffer.from('"text"'),
        Buffer.from('not json'),
      )
      .map((line) => ({ line, expected: [null, null] as const, malformed: true }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(good, bad), { minLength: 1, maxLength: 15 }), async (lines) => {
        const dir = await lakeOf(lines.map((l) => l.line));
        // One file: DuckDB reads it in order, so rows line up with lines.
        const answer = await query(dir, 'SELECT deviceid, cpuusage FROM raw_telemetry');
        expect(answer.result.rows).toEqual(lines.map((l) => [...l.expected]));
        expect(answer.lineCount).toEqual({
          lines: lines.length,
          malformed: lines.filter((l) => l.malformed).length,
        });
      }),
      { numRuns: 40 },
    );
  });
});
