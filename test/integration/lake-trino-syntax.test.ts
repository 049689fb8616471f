import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATHENA, compactionSelectSql, unloadSql } from '#core/curated-sql.ts';

/**
 * The named queries must run unchanged in Athena, which cannot be reached from here: at least they must parse as
 * Trino SQL (Athena engine v3 is Trino), with Trino's own parser from Maven Central, as DuckDB-only syntax would not.
 */
const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, '../fixtures/trino-parser');
const QUERIES = join(import.meta.dirname, '../../docs/queries');

let work = '';
let classpath = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fleetstream-trino-'));
  const out = join(work, 'classpath.txt');
  await run(
    'mvn',
    ['-q', '-B', '-f', join(FIXTURE, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${out}`],
    {
      timeout: 10 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  classpath = (await readFile(out, 'utf8')).trim();
});
afterAll(async () => rm(work, { recursive: true, force: true }));

const parse = async (files: string[]) => {
  try {
    const { stdout } = await run('java', ['-cp', classpath, join(FIXTURE, 'ParseCheck.java'), ...files]);
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '' };
  }
};

describe('docs/queries in Trino (Athena engine v3) syntax', () => {
  it('every named query parses', async () => {
    const files = (await readdir(QUERIES)).filter((f) => f.endsWith('.sql')).map((f) => join(QUERIES, f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const { code, stdout } = await parse(files);
    expect(stdout.trim().split('\n').sort()).toEqual(files.map((f) => `OK ${f}`).sort());
    expect(code).toBe(0);
  });

  it('rejects DuckDB-only syntax (the check can fail)', async () => {
    const duckdbOnly = join(work, 'duckdb-only.sql');
    await writeFile(
      duckdbOnly,
      'SELECT model, count(*) FROM raw_telemetry GROUP BY model QUALIFY count(*) > 1',
    );
    const { code, stdout } = await parse([duckdbOnly]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL .*duckdb-only\.sql: line 1:\d+: mismatched input 'QUALIFY'/);
  });
});

describe('the curated compaction in Trino (Athena engine v3) syntax', () => {
  const input = {
    eventHourMs: Date.parse('2026-11-21T09:00:00Z'),
    arrivalHoursMs: [8, 9, 10, 11, 12].map((h) =>
      Date.parse(`2026-11-21T${String(h).padStart(2, '0')}:00:00Z`),
    ),
    maxEventTimeSkewMs: 300_000,
  };

  it("parses the compaction SELECT; UNLOAD around it is Athena's own statement, not Trino's", async () => {
    const select = join(work, 'compaction-select.sql');
    const unload = join(work, 'compaction-unload.sql');
    await writeFile(select, compactionSelectSql(ATHENA, input));
    await writeFile(
      unload,
      unloadSql(compactionSelectSql(ATHENA, input), 'bucket', { day: '2026-11-21', hour: '09' }),
    );
    expect((await parse([select])).stdout.trim()).toBe(`OK ${select}`);
    expect((await parse([unload])).stdout).toMatch(
      /^FAIL .*compaction-unload\.sql: line 1:1: mismatched input 'UNLOAD'/,
    );
  });
});
