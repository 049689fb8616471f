import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { type DuckDBAppender, DuckDBInstance, DuckDBTimestampValue } from '@duckdb/node-api';
import { LAKE_PREFIX, lakeFolder } from '#core/contract/lake.ts';
import { byKey, type CuratedRow, curateData, type RawObjectData, type SeenKeys } from './curate.ts';
import { CURATED_FILE, CURATED_ORDER, curatedColumnsDdl, curatedHourDir } from './curated-view.ts';
import {
  arrivalHoursFor,
  curatedPartition,
  formatHour,
  type LatenessWindow,
  rawPartitionPath,
} from './hour.ts';
import { sqlStringLiteral } from './sql-literal.ts';

/**
 * Compacts one event hour of the local raw archive into `curated/telemetry/day=…/hour=…/data.parquet` (zstd):
 * reads the hour's window of arrival hours, keeps what the processor would accept, once, and writes the file under a
 * temp name in the same folder, then renames it over the old one. A rename is atomic, so a reader sees the old hour or
 * the new one, a re-run replaces the hour (never appends), and two concurrent runs each write a complete file from
 * the same raw objects: whichever rename lands last, the table is the same.
 */

const gunzip = promisify(gunzipCallback);
const OFFLINE = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' } as const;

export interface LocalCompactionRequest extends LatenessWindow {
  /** The lake root (`.local/datalake`). */
  readonly lakeDir: string;
  /** Start of the event hour (UTC). */
  readonly eventHourMs: number;
  /** The processor's clock-skew allowance. @default the processor's */
  readonly maxEventTimeSkewMs?: number;
}

export interface LocalCompactionResult {
  /** `2026-11-21T09`. */
  readonly hour: string;
  readonly rows: number;
  /** Raw objects read (all of the window's arrival hours). */
  readonly objects: number;
  /** The Parquet file written. */
  readonly file: string;
  readonly bytes: number;
  readonly seconds: number;
}

interface RawObjectRef {
  readonly key: string;
  readonly path: string;
  readonly arrivalHourMs: number;
}

/** The window's raw objects (only `*.gz`: the archive's in-flight temp files are skipped), in key order. */
const listWindow = async (lakeDir: string, request: LocalCompactionRequest): Promise<RawObjectRef[]> => {
  const refs: RawObjectRef[] = [];
  for (const arrivalHourMs of arrivalHoursFor(request.eventHourMs, request)) {
    const folder = `${lakeFolder(LAKE_PREFIX.raw)}/${rawPartitionPath(arrivalHourMs)}`;
    const names = await readdir(join(lakeDir, folder)).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.gz') && !n.startsWith('.')))
      refs.push({ key: `${folder}/${name}`, path: join(lakeDir, folder, name), arrivalHourMs });
  }
  return refs.sort(byKey);
};

const appendRow = (appender: DuckDBAppender, row: CuratedRow): void => {
  appender.appendVarchar(row.deviceid);
  appender.appendVarchar(row.model);
  appender.appendVarchar(row.interface);
  appender.appendVarchar(row.interfacestatus);
  appender.appendDouble(row.cpuusage);
  appender.appendDouble(row.memoryusage);
  appender.appendTimestamp(new DuckDBTimestampValue(BigInt(row.eventTimeMs) * 1000n));
  appender.appendVarchar(row.sourceObject);
  appender.endRow();
};

/** Objects decompressed ahead of the one being curated (zlib runs on libuv's pool, beside the main thread). */
const READ_AHEAD = 4;

/**
 * Output chunks of 8 MiB instead of zlib's 16 KiB: each chunk is a callback and a copy on the main thread (the
 * curating one), and an object inflates to ~2 MB at npm start's rate, up to Firehose's 5 MiB buffer (one chunk).
 */
const INFLATE_OPTIONS = { chunkSize: 8 * 1024 * 1024 } as const;

const inflate = async (ref: RawObjectRef): Promise<RawObjectData> => {
  try {
    return {
      key: ref.key,
      arrivalHourMs: ref.arrivalHourMs,
      data: await gunzip(await readFile(ref.path), INFLATE_OPTIONS),
    };
  } catch (error) {
    throw new Error(`cannot read raw object ${ref.key}: ${(error as Error).message}`, { cause: error });
  }
};

/**
 * Reads the window in key order into the appender, decompressing up to READ_AHEAD objects ahead (so the other core
 * inflates while this one curates; at most READ_AHEAD + 1 decompressed objects in memory).
 */
const loadWindow = async (
  refs: readonly RawObjectRef[],
  request: LocalCompactionRequest,
  appender: DuckDBAppender,
) => {
  const seen: SeenKeys = new Set();
  const ahead: Promise<RawObjectData>[] = [];
  let next = 0;
  let rows = 0;
  while (next < refs.length || ahead.length > 0) {
    while (ahead.length < READ_AHEAD && next < refs.length) {
      const pending = inflate(refs[next++] as RawObjectRef);
      pending.catch(() => undefined); // awaited in turn below; a failure is thrown there, not left unhandled
      ahead.push(pending);
    }
    const object = await (ahead.shift() as Promise<RawObjectData>);
    curateData(object, seen, request, (row) => {
      appendRow(appender, row);
      rows++;
    });
  }
  return rows;
};

export const compactLocalHour = async (request: LocalCompactionRequest): Promise<LocalCompactionResult> => {
  const started = performance.now();
  const refs = await listWindow(request.lakeDir, request);
  const dir = curatedHourDir(request.lakeDir, curatedPartition(request.eventHourMs));
  await mkdir(dir, { recursive: true });
  const file = join(dir, CURATED_FILE);
  const temp = join(dir, `.${CURATED_FILE}.${randomUUID()}.tmp`);
  const instance = await DuckDBInstance.create(':memory:', OFFLINE);
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE hour_rows (${curatedColumnsDdl()})`);
    const appender = await connection.createAppender('hour_rows');
    const rows = await loadWindow(refs, request, appender);
    appender.closeSync();
    await connection.run(
      `COPY (SELECT * FROM hour_rows ORDER BY ${CURATED_ORDER}) TO ${sqlStringLiteral(temp)}` +
        ' (FORMAT parquet, COMPRESSION zstd)',
    );
    await rename(temp, file);
    const { size } = await stat(file);
    return {
      hour: formatHour(request.eventHourMs),
      rows,
      objects: refs.length,
      file,
      bytes: size,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    await rm(temp, { force: true });
    connection.closeSync();
    instance.closeSync();
  }
};
