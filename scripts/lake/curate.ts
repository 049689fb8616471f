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
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const UPPER_Z = 0x5a;
const LOWER_Z = 0x7a;
/** `YYYY-MM-DD` then a separator then `HH`: the bytes that name a zone-free time's UTC hour. */
const DATE_BYTES = 10;
const HOUR_AT = 11;

/**
 * The next position ≥ `from` of a byte or byte string in a buffer, remembered: positions asked for only grow while
 * an object is scanned line by line, so each needle is searched once over the whole object (linear), never once per
 * line to the object's end.
 */
class NextOf {
  private at = -2;
  constructor(
    private readonly data: Buffer,
    private readonly needle: number | Buffer,
  ) {}

  from(position: number): number {
    if (this.at !== -1 && this.at < position) this.at = this.data.indexOf(this.needle, position);
    return this.at;
  }
}

/** Inside [from, end)? `NextOf` answers -1 when there is none left. */
const within = (at: number, end: number) => at !== -1 && at < end;

/**
 * The byte-level shortcut over one decompressed object: for a line `[start, end)`, true only when it cannot be a
 * record of the hour the processor accepts. It answers true only for a flat object (one `{`, no backslash, so no
 * escapes and no nested keys) whose every `"event_time"` is a key written `"event_time":"…"` and whose last one
 * (JSON.parse keeps the last) is outside the hour or not a time at all (the processor refuses that line anyway).
 * A time without a zone offset (`…Z` or the blog's naive UTC form) names its UTC hour in its first 13 bytes, compared
 * as bytes; one with an offset is parsed. Anything else is left to decodeRecord.
 */
export class HourScan {
  private readonly brace: NextOf;
  private readonly backslash: NextOf;
  private readonly key: NextOf;
  private readonly date: Buffer;
  private readonly hour: Buffer;

  constructor(
    private readonly data: Buffer,
    private readonly eventHourMs: number,
  ) {
    this.brace = new NextOf(data, OPEN_BRACE);
    this.backslash = new NextOf(data, BACKSLASH);
    this.key = new NextOf(data, EVENT_TIME_KEY);
    const iso = new Date(eventHourMs).toISOString();
    this.date = Buffer.from(iso.slice(0, DATE_BYTES), 'latin1');
    this.hour = Buffer.from(iso.slice(HOUR_AT, HOUR_AT + 2), 'latin1');
  }

  /** Lines must be asked about in order (start ascending). */
  outside(start: number, end: number): boolean {
    const { data } = this;
    if (data[start] !== OPEN_BRACE || within(this.brace.from(start + 1), end)) return false;
    if (within(this.backslash.from(start), end)) return false;
    let last = -1;
    for (let k = this.key.from(start); within(k, end); k = this.key.from(k + 1)) {
      const colon = k + EVENT_TIME_KEY.length;
      if (colon + 1 >= end || data[colon] !== COLON || data[colon + 1] !== QUOTE) return false;
      last = colon + 2;
    }
    if (last === -1) return false;
    const close = data.indexOf(QUOTE, last);
    if (close === -1 || close >= end) return false;
    return this.zoneFree(last, close) ? !this.namesHour(last, close) : this.parsedOutside(last, close);
  }

  /** Ends in Z, or has no sign after the date (the naive form): its UTC hour is written in it. */
  private zoneFree(from: number, close: number): boolean {
    const lastByte = this.data[close - 1];
    if (lastByte === UPPER_Z || lastByte === LOWER_Z) return true;
    for (let i = from + DATE_BYTES; i < close; i++)
      if (this.data[i] === PLUS || this.data[i] === MINUS) return false;
    return true;
  }

  private namesHour(from: number, close: number): boolean {
    return (
      close - from > HOUR_AT + 1 &&
      this.data.compare(this.date, 0, DATE_BYTES, from, from + DATE_BYTES) === 0 &&
      this.data[from + HOUR_AT] === this.hour[0] &&
      this.data[from + HOUR_AT + 1] === this.hour[1]
    );
  }

  private parsedOutside(from: number, close: number): boolean {
    const ms = parseEventTime(this.data.toString('latin1', from, close));
    return ms !== null && hourStart(ms) !== this.eventHourMs;
  }
}

/** The shortcut for one line on its own (see HourScan). */
export const outsideHour = (line: Buffer, eventHourMs: number): boolean =>
  new HourScan(line, eventHourMs).outside(0, line.length);

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

/** Takes one line that the shortcut could not rule out: emits it when accepted, of the hour and not yet seen. */
const takeLine = (
  line: Buffer,
  object: { readonly key: string; readonly arrivalHourMs: number },
  seen: SeenKeys,
  options: CurateOptions,
  emit: (row: CuratedRow) => void,
): void => {
  const decoded = acceptLine(line, object.arrivalHourMs, options.maxEventTimeSkewMs);
  if (!decoded.ok || hourStart(decoded.record.eventTimeMs) !== options.eventHourMs) return;
  const key = recordKey(line);
  if (seen.has(key)) return;
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
};

/** Adds one object's accepted, not yet seen records of the hour through `emit`; objects must come in key order. */
export const curateObject = (
  object: RawObjectLines,
  seen: SeenKeys,
  options: CurateOptions,
  emit: (row: CuratedRow) => void,
): void => {
  for (const line of object.lines) {
    if (line.byteLength === 0 || outsideHour(line, options.eventHourMs)) continue;
    takeLine(line, object, seen, options, emit);
  }
};

/** A raw object decompressed whole. */
export interface RawObjectData {
  readonly key: string;
  readonly arrivalHourMs: number;
  readonly data: Buffer;
}

/**
 * curateObject over a decompressed object without cutting it into lines first: the shortcut runs on offsets (one
 * linear pass per needle, no Buffer per line), and only the lines it cannot rule out are cut and decoded. Same rows.
 */
export const curateData = (
  object: RawObjectData,
  seen: SeenKeys,
  options: CurateOptions,
  emit: (row: CuratedRow) => void,
): void => {
  const { data } = object;
  const scan = new HourScan(data, options.eventHourMs);
  for (let start = 0; start < data.length; ) {
    const newline = data.indexOf(NEWLINE, start);
    const end = newline === -1 ? data.length : newline;
    if (end > start && !scan.outside(start, end))
      takeLine(data.subarray(start, end), object, seen, options, emit);
    start = end + 1;
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
