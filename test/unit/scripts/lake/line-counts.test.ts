import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LINE_COUNTS_FILE } from '#scripts/lake/line-counts.ts';
import { queryLocalLake } from '#scripts/lake/local-lake.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const GOOD = '{"deviceid":"d1","cpuusage":1}';
const BAD = '{"deviceid":';

const writeRaw = async (lake: string, hour: string, name: string, lines: string[]) => {
  const folder = join(lake, 'raw', 'year=2026', 'month=11', 'day=21', `hour=${hour}`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, gzipSync(`${lines.join('\n')}\n`));
  return path;
};

const counted = async (lake: string) => (await queryLocalLake({ lakeDir: lake, sql: 'SELECT 1' })).lineCount;

describe('lake line counts', () => {
  it('counts every file once, then only new or changed ones, and forgets removed ones', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'fleetstream-lines-'));
    dirs.push(lake);
    const first = await writeRaw(lake, '09', 'a.gz', [GOOD, BAD, GOOD]);
    await writeRaw(lake, '09', '.in-flight.tmp', [BAD]); // not a lake file: the view does not read it either
    expect(await counted(lake)).toEqual({ lines: 3, malformed: 1 });

    // The cache is what the second query reads: a planted count for the unchanged file shows through.
    const cachePath = join(lake, LINE_COUNTS_FILE);
    const cache = JSON.parse(await readFile(cachePath, 'utf8')) as [string, { malformed: number }][];
    expect(cache).toHaveLength(1);
    for (const [, count] of cache) count.malformed = 2;
    await writeFile(cachePath, JSON.stringify(cache));
    const second = await writeRaw(lake, '10', 'b.gz', [BAD, BAD, '', GOOD]);
    expect(await counted(lake)).toEqual({ lines: 3 + 3, malformed: 2 + 2 });

    // A changed file (new mtime) is read again; a removed one no longer counts.
    await utimes(first, new Date(), new Date(Date.now() + 5_000));
    expect(await counted(lake)).toEqual({ lines: 6, malformed: 3 });
    await rm(second);
    expect(await counted(lake)).toEqual({ lines: 3, malformed: 1 });
  });

  it('still answers when the cache is garbage', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'fleetstream-lines-'));
    dirs.push(lake);
    await writeRaw(lake, '09', 'a.gz', [GOOD, BAD]);
    await writeFile(join(lake, LINE_COUNTS_FILE), '{not json');
    expect(await counted(lake)).toEqual({ lines: 2, malformed: 1 });
  });
});
