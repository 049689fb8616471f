import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { queryLocalLake } from '#scripts/lake/local-lake.ts';
import { nearestRankP95 } from '#test/support/lake-reference.ts';

/**
 * The p95 named query against small generated lakes: it must pick the nearest-rank value exactly (the end-to-end
 * test covers the other named queries on pipeline-produced data).
 */
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const P95_SQL = readFile('docs/queries/p95-cpu-per-model-per-day.sql', 'utf8');

const lakeWith = async (cpus: readonly number[]): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstream-p95-'));
  dirs.push(dir);
  const hour = join(dir, 'raw', 'year=2026', 'month=11', 'day=21', 'hour=10');
  await mkdir(hour, { recursive: true });
  const lines = cpus.map((cpuusage, i) =>
    JSON.stringify({ deviceid: `d${i % 7}`, model: 'M', cpuusage, event_time: '2026-11-21T09:00:00Z' }),
  );
  await writeFile(join(hour, 'f.gz'), gzipSync(`${lines.join('\n')}\n`));
  return dir;
};

const p95Of = async (cpus: readonly number[]) => {
  const { result } = await queryLocalLake({
    lakeDir: await lakeWith(cpus),
    sql: await P95_SQL,
    countMalformed: false,
  });
  return result.rows;
};

describe('docs/queries/p95-cpu-per-model-per-day.sql', () => {
  it.each([
    [Array.from({ length: 20 }, (_, i) => i + 1), 19], // ceil(0.95 × 20) = 19th
    [Array.from({ length: 21 }, (_, i) => i + 1), 20], // ceil(19.95) = 20th
    [Array.from({ length: 100 }, (_, i) => 100 - i), 95],
    [[42], 42],
  ])('is the ceil(0.95 × n)-th smallest value %#', async (cpus, p95) => {
    expect(await p95Of(cpus)).toEqual([['M', '2026-11-21', String(cpus.length), String(p95)]]);
  });

  it('matches the nearest-rank reference on generated readings', async () => {
    const reading = fc.integer({ min: 0, max: 2000 }).map((n) => n / 20);
    // Multiples of 20 too: only there is 0.95 × n a whole number, the edge of the rank arithmetic.
    const size = fc.oneof(
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 1, max: 6 }).map((k) => 20 * k),
    );
    const readings = size.chain((n) => fc.array(reading, { minLength: n, maxLength: n }));
    await fc.assert(
      fc.asyncProperty(readings, async (cpus) => {
        expect(await p95Of(cpus)).toEqual([
          ['M', '2026-11-21', String(cpus.length), String(nearestRankP95(cpus))],
        ]);
      }),
      { numRuns: 30 },
    );
  });
});
