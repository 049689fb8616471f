import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compactLocalHour } from '#scripts/lake/compact-local.ts';
import { queryLocalLake } from '#scripts/lake/local-lake.ts';
import { nearestRankP95 } from '#test/support/lake-reference.ts';

/**
 * docs/queries/p95-cpu-per-model-per-day.curated.sql counts per distinct reading instead of ranking rows: it must still
 * pick the nearest-rank value exactly, with ties and at the edges of the rank arithmetic.
 */
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const SQL = readFile('docs/queries/p95-cpu-per-model-per-day.curated.sql', 'utf8');
const HOUR = Date.parse('2026-11-21T10:00:00Z');

const p95Of = async (cpus: readonly number[]) => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstream-curated-p95-'));
  dirs.push(dir);
  const folder = join(dir, 'raw', 'year=2026', 'month=11', 'day=21', 'hour=10');
  await mkdir(folder, { recursive: true });
  const lines = cpus.map((cpuusage, i) =>
    JSON.stringify({
      deviceid: `d${i}`,
      model: 'M',
      interface: 'eth0',
      interfacestatus: 'up',
      cpuusage,
      memoryusage: 1,
      event_time: new Date(HOUR + i).toISOString(),
    }),
  );
  await writeFile(join(folder, 'f.gz'), gzipSync(`${lines.join('\n')}\n`));
  await compactLocalHour({ lakeDir: dir, eventHourMs: HOUR, lateHours: 0 });
  const { result } = await queryLocalLake({ lakeDir: dir, sql: await SQL, countMalformed: false });
  return result.rows;
};

describe('docs/queries/p95-cpu-per-model-per-day.curated.sql', () => {
  it('matches the nearest-rank reference on generated readings (ties included)', async () => {
    const reading = fc.integer({ min: 0, max: 200 }).map((n) => n / 2);
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
      { numRuns: 20 },
    );
  }, 120_000);
});
