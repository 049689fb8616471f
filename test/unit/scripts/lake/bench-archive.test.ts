import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '#core/record.ts';
import { writeDayArchive } from '#scripts/lake/bench-archive.ts';
import { type LakeBenchResult, saveLakeResult, verdictLines } from '#scripts/lake/bench-report.ts';

/** The bench's raw archive is the archive Firehose writes, dirty in the ways the curated table must absorb. */

const DAY = Date.parse('2026-11-21T00:00:00Z');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const readArchive = async (dir: string) => {
  const entries = await readdir(join(dir, 'raw'), { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(
    files.map(async (path) => ({
      path,
      lines: gunzipSync(await readFile(path))
        .toString('latin1')
        .split('\n')
        .slice(0, -1),
    })),
  );
};

describe('writeDayArchive', () => {
  it('writes every record once at least, late ones under later arrival hours, with re-deliveries and bad lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-bench-archive-'));
    dirs.push(dir);
    const stats = await writeDayArchive({
      ...{ dir, rate: 10, devices: 20, hours: 2, dayStartMs: DAY },
      ...{ badRatio: 0.05, lateRatio: 0.05, redeliveryRatio: 0.2, repeatRatio: 0.2 },
    });
    const files = await readArchive(dir);
    expect(stats.records).toBe(72_000);
    expect(stats.goodRecords + stats.badLines).toBe(stats.records);
    expect(files).toHaveLength(stats.files);
    for (const { path } of files)
      expect(path).toMatch(
        /raw\/year=2026\/month=11\/day=2[12]\/hour=\d\d\/fleetstream-raw-1-2026-11-2[12]-\d\d-\d\d-\d\d-[0-9a-f-]{36}\.gz$/,
      );
    const all = files.flatMap((f) => f.lines);
    expect(all).toHaveLength(
      stats.records + stats.repeatedLines + (all.length - stats.records - stats.repeatedLines),
    );
    const distinct = new Set(all);
    const good = [...distinct].filter((l) => decodeRecord(Buffer.from(l, 'latin1'), null, {}).ok);
    expect(good).toHaveLength(stats.goodRecords);
    expect(all.length).toBeGreaterThan(stats.records + stats.repeatedLines);
    expect(stats.redeliveredObjects).toBeGreaterThan(0);
    expect(stats.repeatedLines).toBeGreaterThan(0);
    const hourOf = (path: string) => Number(/hour=(\d\d)/.exec(path)?.[1]);
    const lateLines = files
      .filter((f) => f.path.includes('day=22') || hourOf(f.path) >= 2)
      .flatMap((f) => f.lines);
    expect(lateLines.length).toBeGreaterThan(0);
    expect(stats.lateRecords).toBeGreaterThan(0);
  });
});

describe('the lake bench report', () => {
  const result = (speedup: number, maxWallSeconds: number): LakeBenchResult => ({
    measuredAt: '2026-12-06T10:00:00.000Z',
    command: 'npm run bench:lake',
    machine: { cpus: 2, loadBefore: [1, 2, 3], loadAfter: [1, 2, 3] },
    ...{ rate: 200, devices: 100, hours: 24, archive: undefined },
    bytes: { rawGzip: 100, curated: 40, curatedToRaw: 0.4 },
    compaction: {
      perHour: [],
      ...{ rows: 1, bytes: 40, maxWallSeconds, medianWallSeconds: 1, maxCpuSeconds: 1, medianCpuSeconds: 1 },
    },
    queries: { q: { rawSeconds: speedup, curatedSeconds: 1, speedup, rawRows: 1, curatedRows: 1 } },
  });

  it('says PASS or FAIL against each bound', () => {
    expect(verdictLines(result(12, 59)).filter((l) => l.startsWith('FAIL'))).toEqual([]);
    const failed = verdictLines(result(9.9, 60)).filter((l) => l.startsWith('FAIL'));
    expect(failed).toHaveLength(2);
  });

  it('replaces only the lake key of the shared results file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-bench-report-'));
    dirs.push(dir);
    const path = join(dir, 'latest.json');
    await writeFile(path, JSON.stringify({ generator: { recordsPerSec: 1 }, lake: { old: true } }));
    await saveLakeResult(path, result(12, 1));
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc.generator).toEqual({ recordsPerSec: 1 });
    expect(doc.lake.queries.q.speedup).toBe(12);
  });
});
