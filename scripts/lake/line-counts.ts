import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LAKE_PREFIX, RAW_PARTITION_KEYS } from '#core/contract/lake.ts';
import { lineCountSql } from './duckdb-view.ts';

/**
 * How many lines the local lake holds and how many are malformed, reported after every query. Counting means reading
 * every file, so the counts are kept per file in `<lakeDir>/.lake-line-counts.json` (archived files never change
 * once renamed into place): a query rescans only files that are new or whose size or mtime changed.
 */

export interface LineCount {
  readonly lines: number;
  /** Lines that are not a JSON object (bad JSON, bad UTF-8, arrays…): rows of NULLs in the view. */
  readonly malformed: number;
}

interface FileCount extends LineCount {
  readonly size: number;
  readonly mtimeMs: number;
}

export const LINE_COUNTS_FILE = '.lake-line-counts.json';

/** Paths the view's glob reads: `raw/year=…/month=…/day=…/hour=…/<name>.gz`. */
const RAW_FILE = new RegExp(`^${RAW_PARTITION_KEYS.map(({ name }) => `${name}=[^/]*/`).join('')}[^/]*\\.gz$`);

const rawFiles = async (lakeDir: string) => {
  const root = join(lakeDir, LAKE_PREFIX.raw);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => RAW_FILE.test(relative(root, path)));
  return Promise.all(files.map(async (path) => ({ path, info: await stat(path) })));
};

const readCache = async (path: string): Promise<Map<string, FileCount>> => {
  try {
    const entries = JSON.parse(await readFile(path, 'utf8')) as [string, FileCount][];
    return Array.isArray(entries) ? new Map(entries) : new Map();
  } catch {
    return new Map(); // absent or unreadable: count again
  }
};

/** Best effort: a lake on a read-only disk still answers, it just rescans next time. */
const writeCache = async (path: string, counts: Map<string, FileCount>) => {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, JSON.stringify([...counts]));
    await rename(temp, path);
  } catch {}
};

export const countLines = async (connection: DuckDBConnection, lakeDir: string): Promise<LineCount> => {
  const cachePath = join(lakeDir, LINE_COUNTS_FILE);
  const cached = await readCache(cachePath);
  const counts = new Map<string, FileCount>();
  const stale: { path: string; size: number; mtimeMs: number }[] = [];
  for (const { path, info } of await rawFiles(lakeDir)) {
    const key = relative(lakeDir, path);
    const known = cached.get(key);
    if (known?.size === info.size && known.mtimeMs === info.mtimeMs) counts.set(key, known);
    else stale.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
  if (stale.length > 0) {
    const rows = (await connection.runAndReadAll(lineCountSql(stale.map((f) => f.path)))).getRows();
    const found = new Map(
      rows.map(([file, lines, malformed]) => [String(file), [Number(lines), Number(malformed)]]),
    );
    for (const { path, size, mtimeMs } of stale) {
      const [lines, malformed] = found.get(path) ?? [0, 0];
      counts.set(relative(lakeDir, path), { size, mtimeMs, lines: lines ?? 0, malformed: malformed ?? 0 });
    }
    await writeCache(cachePath, counts);
  }
  let lines = 0;
  let malformed = 0;
  for (const count of counts.values()) {
    lines += count.lines;
    malformed += count.malformed;
  }
  return { lines, malformed };
};
