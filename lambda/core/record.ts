/**
 * Decoding and validation of one telemetry record (the Kafka value) to the contract in README "Record format".
 * Pure: never throws on bad input, returns a short specific reason instead so the record can be dead-lettered.
 * Describing a bad value never walks it (a 30,000-deep array would overflow the stack): it is bounded in time and size.
 */

/** A valid telemetry record, normalised: numbers are numbers, time is epoch ms + canonical ISO (UTC, ms). */
export interface TelemetryRecord {
  deviceId: string;
  model: string;
  interface: string;
  /** `interfacestatus` on the wire. */
  status: string;
  cpuUsage: number;
  memoryUsage: number;
  /** Canonical ISO 8601, e.g. `2026-11-21T10:15:30.123Z`. */
  eventTime: string;
  eventTimeMs: number;
}

export type DecodeResult = { ok: true; record: TelemetryRecord } | { ok: false; reason: string };

export const MAX_VALUE_BYTES = 64 * 1024;
export const MAX_DEVICE_ID_LENGTH = 128;
/** Not in the public contract: caps model/interface/status so they always fit DynamoDB (they are GSI keys). */
export const MAX_TEXT_FIELD_LENGTH = 256;
export const CPU_RANGE = { min: 0, max: 100 } as const;
export const MEMORY_RANGE = { min: 0, max: 1_048_576 } as const;
/**
 * Default clock-skew margin: an event_time further ahead of its Kafka record's timestamp is dead-lettered
 * (the skew rule, docs/DATA_MODEL.md "Deterministic decisions").
 */
export const DEFAULT_MAX_EVENT_TIME_SKEW_MS = 5 * 60_000;
export const FUTURE_EVENT_TIME_REASON = 'event_time in the future';
/** Longest quote of a bad value in a reason. */
const SHOWN_CHARACTERS = 40;

export interface DecodeOptions {
  /**
   * The Kafka record's own timestamp (epoch ms): an event_time more than `maxEventTimeSkewMs` ahead of it is refused.
   * Never the processing clock, so a retried batch decides exactly as the first attempt did. Absent, or negative
   * (Kafka's -1 = no timestamp), the rule has no reference and is not applied (see `hasKafkaTimestamp`).
   */
  kafkaTimestampMs?: number;
  /** @default DEFAULT_MAX_EVENT_TIME_SKEW_MS */
  maxEventTimeSkewMs?: number;
}

// 9999-12-31T23:59:59.999Z: keeps the canonical ISO form four-digit (toISOString switches to ±YYYYYY beyond).
const MAX_EPOCH_MS = 253_402_300_799_999;

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Any "other" category character (control, format, surrogate, private use, unassigned) is not printable.
const NON_PRINTABLE = /\p{C}/u;
// In a `u` regex a paired surrogate is one code point, so this matches unpaired surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;
const NUMERIC_STRING = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
// What the blog's Python producer sends (`%Y-%m-%d %H:%M:%S`, optionally with microseconds): read as UTC.
const NAIVE_UTC = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * True when a Kafka timestamp is a real instant. Kafka writes -1 for "no timestamp" (message format v0); the topic is
 * created with `message.timestamp.type=LogAppendTime`, where the broker stamps every record, so it cannot occur there.
 * On a CreateTime topic the producer picks the timestamp anyway (it could pick event_time itself), so letting a record
 * without one past the skew rule opens nothing a producer could not already do.
 */
export const hasKafkaTimestamp = (timestampMs: number | undefined): timestampMs is number =>
  timestampMs !== undefined && Number.isFinite(timestampMs) && timestampMs >= 0;

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** True when the string holds an unpaired surrogate (DynamoDB refuses such strings). */
export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value);

/** The string with each unpaired surrogate replaced by U+FFFD (cutting a string can split a pair). */
export const wellFormed = (value: string): string => value.replace(LONE_SURROGATES, '\uFFFD');

/**
 * Quotes a value for a reason, short enough for a log line. Only scalars are quoted (a string is cut before it is
 * escaped, and made well-formed); containers are named by type, never serialised.
 */
const show = (value: unknown): string => {
  if (typeof value === 'string') {
    const cut = value.length > SHOWN_CHARACTERS ? `${value.slice(0, SHOWN_CHARACTERS - 3)}...` : value;
    return JSON.stringify(wellFormed(cut));
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    const text = String(value);
    return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS - 3)}...` : text;
  }
  return typeName(value);
};

const text = (doc: Record<string, unknown>, field: string): string | { reason: string } => {
  const value = doc[field];
  if (value === undefined) return { reason: `missing ${field}` };
  if (typeof value !== 'string') return { reason: `${field} must be a string, got ${typeName(value)}` };
  if (value.length === 0) return { reason: `${field} is empty` };
  if (value.length > MAX_TEXT_FIELD_LENGTH)
    return { reason: `${field} longer than ${MAX_TEXT_FIELD_LENGTH} characters` };
  // DynamoDB refuses strings with an unpaired surrogate ("\ud800" is valid JSON): refuse the record, not the batch.
  if (hasLoneSurrogate(value)) return { reason: `${field} has an unpaired surrogate` };
  return value;
};

const number = (
  doc: Record<string, unknown>,
  field: string,
  range: { min: number; max: number },
): number | { reason: string } => {
  const value = doc[field];
  if (value === undefined) return { reason: `missing ${field}` };
  let parsed: number;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'string' && NUMERIC_STRING.test(value)) parsed = Number(value);
  else return { reason: `${field} not numeric: ${show(value)}` };
  if (!Number.isFinite(parsed)) return { reason: `${field} not finite: ${show(value)}` };
  if (parsed < range.min || parsed > range.max)
    return { reason: `${field} out of range ${range.min}-${range.max}: ${show(value)}` };
  return parsed;
};

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Epoch ms of an ISO 8601 time with zone or a naive `YYYY-MM-DD HH:mm:ss` (UTC); null when not a real instant. */
export const parseEventTime = (value: string): number | null => {
  const match = ISO_WITH_ZONE.exec(value) ?? NAIVE_UTC.exec(value);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const hours = Number(match[10]);
    const minutes = Number(match[11]);
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years < 100 literal (Date.UTC would not)
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
};

/** The value as a JSON object, or why it is not one (size, UTF-8, JSON, shape), without walking a bad value. */
const jsonObjectOf = (
  value: Buffer | Uint8Array,
): { ok: true; fields: Record<string, unknown> } | { ok: false; reason: string } => {
  const fail = (reason: string) => ({ ok: false as const, reason });
  if (value.byteLength > MAX_VALUE_BYTES)
    return fail(`value too large: ${value.byteLength} bytes > ${MAX_VALUE_BYTES}`);
  if (value.byteLength === 0) return fail('empty value');
  let json: string;
  try {
    json = utf8.decode(value);
  } catch {
    return fail('not valid UTF-8');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (error) {
    return fail(`not JSON: ${wellFormed((error as Error).message.slice(0, 80))}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return fail(`not a JSON object: got ${typeName(doc)}`);
  return { ok: true, fields: doc as Record<string, unknown> };
};

const deviceIdOf = (fields: Record<string, unknown>): string | { reason: string } => {
  const deviceId = fields.deviceid;
  if (deviceId === undefined) return { reason: 'missing deviceid' };
  if (typeof deviceId !== 'string') return { reason: `deviceid must be a string, got ${typeName(deviceId)}` };
  const length = [...deviceId].length;
  if (length < 1 || length > MAX_DEVICE_ID_LENGTH)
    return { reason: `deviceid length must be 1-${MAX_DEVICE_ID_LENGTH}: ${length}` };
  if (NON_PRINTABLE.test(deviceId))
    return { reason: `deviceid has non-printable characters: ${show(deviceId)}` };
  return deviceId;
};

const eventTimeOf = (
  fields: Record<string, unknown>,
  options: DecodeOptions,
): number | { reason: string } => {
  const eventTime = fields.event_time;
  if (eventTime === undefined) return { reason: 'missing event_time' };
  if (typeof eventTime !== 'string')
    return { reason: `event_time must be a string, got ${typeName(eventTime)}` };
  const eventTimeMs = parseEventTime(eventTime);
  if (eventTimeMs === null) return { reason: `event_time unparseable: ${show(eventTime)}` };
  if (eventTimeMs < 0 || eventTimeMs > MAX_EPOCH_MS)
    return { reason: `event_time out of range 1970-9999: ${show(eventTime)}` };
  // A broken clock (one record dated 2099) would otherwise hold the device's current state and alerts for good.
  // Judged against the record's Kafka timestamp (fixed in the log), never the clock of the attempt: replay-deterministic.
  const { kafkaTimestampMs, maxEventTimeSkewMs = DEFAULT_MAX_EVENT_TIME_SKEW_MS } = options;
  if (hasKafkaTimestamp(kafkaTimestampMs) && eventTimeMs > kafkaTimestampMs + maxEventTimeSkewMs)
    return { reason: FUTURE_EVENT_TIME_REASON };
  return eventTimeMs;
};

/**
 * Decodes one Kafka record value. The device id always comes from the value: the key may be absent
 * (the blog's producer sends none) or differ, so it is accepted only for symmetry with the source record.
 */
export const decodeRecord = (
  value: Buffer | Uint8Array,
  _key?: Buffer | Uint8Array | null,
  options: DecodeOptions = {},
): DecodeResult => {
  const fail = (reason: string): DecodeResult => ({ ok: false, reason });
  const parsed = jsonObjectOf(value);
  if (!parsed.ok) return parsed;
  const { fields } = parsed;
  const deviceId = deviceIdOf(fields);
  if (typeof deviceId !== 'string') return fail(deviceId.reason);
  const model = text(fields, 'model');
  if (typeof model !== 'string') return fail(model.reason);
  const iface = text(fields, 'interface');
  if (typeof iface !== 'string') return fail(iface.reason);
  const status = text(fields, 'interfacestatus');
  if (typeof status !== 'string') return fail(status.reason);
  const cpuUsage = number(fields, 'cpuusage', CPU_RANGE);
  if (typeof cpuUsage !== 'number') return fail(cpuUsage.reason);
  const memoryUsage = number(fields, 'memoryusage', MEMORY_RANGE);
  if (typeof memoryUsage !== 'number') return fail(memoryUsage.reason);
  const eventTimeMs = eventTimeOf(fields, options);
  if (typeof eventTimeMs !== 'number') return fail(eventTimeMs.reason);

  return {
    ok: true,
    record: {
      deviceId,
      model,
      interface: iface,
      status,
      cpuUsage,
      memoryUsage,
      eventTime: new Date(eventTimeMs).toISOString(),
      eventTimeMs,
    },
  };
};
