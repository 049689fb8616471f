import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { BAD_CLASSES, createTelemetryStream } from '#lambda/generator/index.ts';
import { createRandom } from '#lambda/generator/prng.ts';
import { archivePath } from '#scripts/local/raw-archive.ts';

/**
 * The bench's raw archive: a day (or `hours`) of the generator's records at a fixed rate, written as Firehose (and the
 * local archive, scripts/local/raw-archive.ts) writes them: gzip NDJSON, a file per 60 s of arrivals (or 5 MiB), under
 * the UTC hour of arrival, named `fleetstream-raw-1-YYYY-MM-DD-HH-mm-ss-<uuid>.gz`. At-least-once and dirty on
 * purpose, the way the curated table meets them in production:
 * - bad lines: the generator's invalid classes (bad JSON, bad UTF-8, missing fields, out of range, bad times);
 * - re-deliveries: a Firehose retry lands a whole object again under a new name, or a retried buffer repeats the
 *   previous object's last lines at the start of the next;
 * - late records: filed under an arrival up to `maxLateMinutes` after their event time (later arrival hours).
 * Gzip runs on libuv's pool while the generator makes the next minute, so the day takes about as long as generating it.
 */

export interface DayArchiveOptions {
  readonly dir: string;
  /** Records per second (the generator's stream: arrival = event time unless late). */
  readonly rate: number;
  readonly devices: number;
  readonly hours: number;
  readonly dayStartMs: number;
  /** @default 16 */
  readonly seed?: number;
  /** Share of lines made invalid. @default 0.001 */
  readonly badRatio?: number;
  /** Share of good records filed late. @default 0.002 */
  readonly lateRatio?: number;
  /** How late a late record is at most (uniform from 5 min). @default 150 (within the default lateHours window) */
  readonly maxLateMinutes?: number;
  /** Share of objects delivered twice whole. @default 0.01 */
  readonly redeliveryRatio?: number;
  /** Share of objects whose last `REPEATED_LINES` lines start the next object again. @default 0.01 */
  readonly repeatRatio?: number;
}

export interface DayArchiveStats {
  /** Records generated (each once), good and bad. */
  records: number;
  /** Records the processor accepts, counted once: what the curated table must hold. */
  goodRecords: number;
  badLines: number;
  lateRecords: number;
  redeliveredObjects: number;
  repeatedLines: number;
  files: number;
  /** Uncompressed bytes of every line written, re-deliveries included. */
  rawBytes: number;
  gzipBytes: number;
  seconds: number;
}

const gzip = promisify(gzipCallback);
const STREAM = 'fleetstream-raw';
const MINUTE_MS = 60_000;
/** Firehose's (and the local archive's) size buffer: a minute over it is cut into several objects. */
const FLUSH_BYTES = 5 * 1024 * 1024;
/** Lines a repeated buffer carries over. */
const REPEATED_LINES = 100;
/** Objects being compressed and written at once. */
const IN_FLIGHT = 4;
/** Bad lines drawn from every invalid class but `oversized` (64 KiB each would dwarf the day's bytes). */
const BAD = BAD_CLASSES.filter((c) => c !== 'oversized');

interface Writer {
  readonly stats: DayArchiveStats;
  readonly random: ReturnType<typeof createRandom>;
  readonly options: DayArchiveOptions;
  inFlight: Promise<void>[];
  /** The last lines of the previous object, when a retry is to repeat them. */
  carry: Buffer[];
}

const writeObject = async (writer: Writer, at: number, lines: readonly Buffer[]) => {
  const body = await gzip(Buffer.concat(lines.flatMap((line) => [line, NEWLINE])));
  const copies = writer.random.chance(writer.options.redeliveryRatio ?? 0.01) ? [at, at + 30_000] : [at];
  for (const copyAt of copies) {
    const path = join(writer.options.dir, archivePath(STREAM, copyAt));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    writer.stats.files++;
    writer.stats.gzipBytes += body.length;
    writer.stats.rawBytes += lines.reduce((sum, line) => sum + line.length + 1, 0);
  }
  writer.stats.redeliveredObjects += copies.length - 1;
};
const NEWLINE = Buffer.from('\n');

/** Queues one object (bounded concurrency); a retry may repeat its tail in the next. */
const flush = async (writer: Writer, at: number, lines: Buffer[]) => {
  const withCarry = writer.carry.length > 0 ? [...writer.carry, ...lines] : lines;
  writer.stats.repeatedLines += writer.carry.length;
  writer.carry = writer.random.chance(writer.options.repeatRatio ?? 0.01) ? lines.slice(-REPEATED_LINES) : [];
  if (writer.inFlight.length >= IN_FLIGHT) await writer.inFlight.shift();
  writer.inFlight.push(writeObject(writer, at, withCarry));
};

/** Writes one minute of arrivals, cut at FLUSH_BYTES. */
const flushMinute = async (writer: Writer, minuteMs: number, lines: Buffer[]) => {
  let part: Buffer[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (bytes + line.length + 1 > FLUSH_BYTES && part.length > 0) {
      await flush(writer, minuteMs, part);
      part = [];
      bytes = 0;
    }
    part.push(line);
    bytes += line.length + 1;
  }
  if (part.length > 0) await flush(writer, minuteMs, part);
};

export const writeDayArchive = async (options: DayArchiveOptions): Promise<DayArchiveStats> => {
  const started = performance.now();
  const { rate, hours, dayStartMs } = options;
  const total = Math.round(rate * hours * 3600);
  const random = createRandom(`${options.seed ?? 16}/bench-archive`);
  const stats: DayArchiveStats = {
    ...{ records: 0, goodRecords: 0, badLines: 0, lateRecords: 0, redeliveredObjects: 0, repeatedLines: 0 },
    ...{ files: 0, rawBytes: 0, gzipBytes: 0, seconds: 0 },
  };
  const writer: Writer = { stats, random, options, inFlight: [], carry: [] };
  let emitted = 0;
  const eventAt = () => dayStartMs + Math.floor((emitted * 1000) / rate);
  const stream = createTelemetryStream({
    devices: options.devices,
    seed: options.seed ?? 16,
    clock: eventAt,
    badRatio: options.badRatio ?? 0.001,
    badClasses: BAD,
  });
  /** Arrival minute (index from dayStartMs) → lines arriving then. */
  const byMinute = new Map<number, Buffer[]>();
  const arrive = (minute: number, line: Buffer) => {
    const lines = byMinute.get(minute);
    if (lines === undefined) byMinute.set(minute, [line]);
    else lines.push(line);
  };
  const maxLate = options.maxLateMinutes ?? 150;
  let minute = 0;
  while (emitted < total) {
    const at = eventAt();
    const current = Math.floor((at - dayStartMs) / MINUTE_MS);
    for (; minute < current; minute++) {
      await flushMinute(writer, dayStartMs + minute * MINUTE_MS, byMinute.get(minute) ?? []);
      byMinute.delete(minute);
    }
    const message = stream.next().value;
    emitted++;
    if (message.bad) stats.badLines++;
    else stats.goodRecords++;
    const late = !message.bad && random.chance(options.lateRatio ?? 0.002);
    if (late) stats.lateRecords++;
    arrive(late ? current + 5 + Math.floor(random.next() * (maxLate - 5)) : current, message.value);
  }
  for (const pending of [...byMinute.keys()].sort((a, b) => a - b))
    await flushMinute(writer, dayStartMs + pending * MINUTE_MS, byMinute.get(pending) ?? []);
  if (writer.carry.length > 0) await flush(writer, dayStartMs + (minute + maxLate + 1) * MINUTE_MS, []);
  await Promise.all(writer.inFlight);
  stats.records = emitted;
  stats.seconds = Math.round(performance.now() - started) / 1000;
  return stats;
};
