import { hash } from 'node:crypto';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS, decodeRecord, parseEventTime } from '#core/record.ts';
import { HOUR_MS, hourStart } from './hour.ts';

/**
 * What goes into one hour of the curated table, decided in memory from raw lines: exactly the records the processor
 * would accept (its own decodeRecord), whose event_time falls in the hour, once each. A record delivered twice (a
 * Firehose retry re-delivers a whole object, or repeats lines) has the same bytes both times, so the key is the
 * sha-256 of the line; the first delivery in object-key order is kept, so the answer does not depend on read order.
 */

export interface CuratedRow {
  readonly deviceid: string;
  readonly model: string;
  readonly interface: string;
  readonly interfacestatus: string;
  readonly cpuusage: number;
  readonly memoryusage: number;
  readonly eventTimeMs: number;
  /** sha-256 (lower-case hex) of the raw line. */
  readonly recordKey: string;
  /** The raw object key (`raw/year=…/….gz`) the row was read from. */
  readonly sourceObject: string;
}

export interface RawObjectLines {
  /** Object key relative to the lake root, `raw/year=…/month=…/day=…/hour=…/<name>.gz`. */
  readonly key: string;
  /** Start of the arrival hour the object is filed under. */
  readonly arrivalHourMs: number;
  /** The object's lines without their `\n` (blank lines included; they are skipped). */
  readonly lines: Iterable<Buffer>;
}

export interface CurateOptions {
  /** Start of the event hour to compact. */
  readonly eventHourMs: number;
  /** The processor's clock-skew allowance. @default DEFAULT_MAX_EVENT_TIME_SKEW_MS */
  readonly maxEventTimeSkewMs?: number;
}

/** sha-256 hex of a line: the de-duplication key (Athena: `lower(to_hex(sha256(to_utf8(line)))`). */
export const recordKey = (line: Buffer): string => hash('sha256', line, 'hex');

const EVENT_TIME_KEY = Buffer.from('"event_time"');
const EVENT_TIME_FIELD = Buffer.from('"event_time":"');
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;

const occurrences = (line: Buffer, needle: Buffer): number[] => {
  const at: number[] = [];
  for (let i = line.indexOf(needle); i !== -1; i = line.indexOf(needle, i + 1)) at.push(i);
  return at;
};

/**
 * True only when the line cannot be a record of the hour the processor accepts, decided from bytes without parsing
 * (most of a compaction's window is other hours). It answers true only for a flat object (one `{`, no backslash, so
 * no escapes and no nested keys) whose every `"event_time"` is a key written `"event_time":"…"` and whose last one
 * (JSON.parse keeps the last) is a time outside the hour; anything else is left to decodeRecord.
 */
export const outsideHour = (line: Buffer, eventHourMs: number): boolean => {
  if (line[0] !== OPEN_BRACE || line.indexOf(OPEN_BRACE, 1) !== -1 || line.indexOf(BACKSLASH) !== -1)
    return false;
  const fields = occurrences(line, EVENT_TIME_FIELD);
  const last = fields.at(-1);
  if (last === undefined || occurrences(line, EVENT_TIME_KEY).length !== fields.length) return false;
  const start = last + EVENT_TIME_FIELD.length;
  const end = line.indexOf(QUOTE, start);
  if (end === -1) return false;
  const ms = parseEventTime(line.toString('latin1', start, end));
  return ms !== null && hourStart(ms) !== eventHourMs;
};

/**
 * Would the processor accept this line had it arrived in `arrivalHourMs`? Its clock is taken as the end of the arrival
 * hour (the latest it can have been), so the future-event_time rule never refuses what the processor accepted.
 */
export const acceptLine = (
  line: Buffer,
  arrivalHourMs: number,
  maxEventTimeSkewMs = DEFAULT_MAX_EVENT_TIME_SKEW_MS,
) => decodeRecord(line, null, { kafkaTimestampMs: arrivalHourMs + HOUR_MS, maxEventTimeSkewMs });

const compareRows = (a: CuratedRow, b: CuratedRow): number =>
  a.eventTimeMs - b.eventTimeMs ||
  (a.deviceid < b.deviceid ? -1 : a.deviceid > b.deviceid ? 1 : 0) ||
  (a.recordKey < b.recordKey ? -1 : a.recordKey > b.recordKey ? 1 : 0);

/** Keys already taken for the hour: a second delivery of a record is dropped. */
export type SeenKeys = Set<string>;

/** Adds one object's accepted, not yet seen records of the hour through `emit`; objects must come in key order. */
export const curateObject = (
  object: RawObjectLines,
  seen: SeenKeys,
  options: CurateOptions,
  emit: (row: CuratedRow) => void,
): void => {
  const { eventHourMs, maxEventTimeSkewMs } = options;
  for (const line of object.lines) {
    if (line.byteLength === 0 || outsideHour(line, eventHourMs)) continue;
    const decoded = acceptLine(line, object.arrivalHourMs, maxEventTimeSkewMs);
    if (!decoded.ok || hourStart(decoded.record.eventTimeMs) !== eventHourMs) continue;
    const key = recordKey(line);
    if (seen.has(key)) continue;
    seen.add(key);
    const { record } = decoded;
    emit({
      deviceid: record.deviceId,
      model: record.model,
      interface: record.interface,
      interfacestatus: record.status,
      cpuusage: record.cpuUsage,
      memoryusage: record.memoryUsage,
      eventTimeMs: record.eventTimeMs,
      recordKey: key,
      sourceObject: object.key,
    });
  }
};

/** Object keys in the order their deliveries win. */
export const byKey = (a: { key: string }, b: { key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** The hour's rows, de-duplicated, in a fixed order (event_time, deviceid, record_key): the pure form for tests. */
export const curateHour = (objects: Iterable<RawObjectLines>, options: CurateOptions): CuratedRow[] => {
  const rows: CuratedRow[] = [];
  const seen: SeenKeys = new Set();
  for (const object of [...objects].sort(byKey)) curateObject(object, seen, options, (row) => rows.push(row));
  return rows.sort(compareRows);
};

/** The lines of a decompressed object, split on `\n` only (as Hive's TextInputFormat and the raw view do). */
export function* splitLines(data: Buffer): Generator<Buffer> {
  let start = 0;
  for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
    yield data.subarray(start, end);
    start = end + 1;
  }
  if (start < data.length) yield data.subarray(start);
}
