/**
 * The curated table's compaction as SQL: one event hour of raw lines → the rows the processor would accept, once each.
 * Written once and spelled for two engines: Athena (Trino) runs it in AWS over the `raw_lines` Glue table; DuckDB runs
 * the same text in tests, where it is checked against the processor's own decodeRecord on hostile records. Only the
 * functions in SqlDialect differ between the two (test/unit/lambda/core/curated-sql.test.ts lists them and why).
 * Pure: no AWS import.
 */
import { CURATED_TABLE_PREFIX } from './contract/lake.ts';
import {
  CPU_RANGE,
  MAX_DEVICE_ID_LENGTH,
  MAX_TEXT_FIELD_LENGTH,
  MAX_VALUE_BYTES,
  MEMORY_RANGE,
} from './record.ts';

/** The function spellings that differ between Athena (Trino) and DuckDB. */
export interface SqlDialect {
  readonly name: 'athena' | 'duckdb';
  /** The line as JSON, NULL when it is not JSON. */
  readonly parseJson: (text: string) => string;
  /** A JSON value's compact text (`"a"`, `12`, `{…}`). */
  readonly jsonText: (json: string) => string;
  /** A JSON string's value. */
  readonly stringValue: (json: string) => string;
  /** A JSON number (or numeric string's text) as DOUBLE, NULL when it is not one. */
  readonly toDouble: (text: string) => string;
  /** True when a JSON object has no key twice. */
  readonly uniqueKeys: (json: string) => string;
  readonly regexpLike: (text: string, pattern: string) => string;
  /** Every match replaced (DuckDB replaces the first only unless told 'g'). */
  readonly regexpReplaceAll: (text: string, pattern: string) => string;
  readonly utf8Bytes: (text: string) => string;
  /** 'YYYY-MM-DD HH:MM:SS.fff' as a timestamp, NULL when it is not a real instant. */
  readonly toTimestamp: (text: string) => string;
  readonly addMillis: (timestamp: string, millis: string) => string;
  /** Text as INTEGER, NULL when it is not one. */
  readonly toInt: (text: string) => string;
}

export const ATHENA: SqlDialect = {
  name: 'athena',
  parseJson: (t) => `try(json_parse(${t}))`,
  jsonText: (j) => `json_format(${j})`,
  stringValue: (j) => `CAST(${j} AS VARCHAR)`,
  toDouble: (t) => `try(CAST(${t} AS DOUBLE))`,
  uniqueKeys: (j) => `try(cardinality(CAST(${j} AS MAP(VARCHAR, JSON)))) IS NOT NULL`,
  regexpLike: (t, p) => `regexp_like(${t}, ${p})`,
  regexpReplaceAll: (t, p) => `regexp_replace(${t}, ${p}, '')`,
  utf8Bytes: (t) => `length(to_utf8(${t}))`,
  toTimestamp: (t) => `try(CAST(${t} AS TIMESTAMP(3)))`,
  addMillis: (ts, ms) => `date_add('millisecond', ${ms}, ${ts})`,
  toInt: (t) => `try(CAST(${t} AS INTEGER))`,
};

export const DUCKDB: SqlDialect = {
  name: 'duckdb',
  parseJson: (t) => `CASE WHEN json_valid(${t}) THEN json(${t}) END`,
  jsonText: (j) => `CAST(${j} AS VARCHAR)`,
  stringValue: (j) => `json_extract_string(${j}, '$')`,
  toDouble: (t) => `TRY_CAST(CAST(${t} AS VARCHAR) AS DOUBLE)`,
  uniqueKeys: (j) => `len(json_keys(${j})) = len(list_distinct(json_keys(${j})))`,
  regexpLike: (t, p) => `regexp_matches(${t}, ${p})`,
  regexpReplaceAll: (t, p) => `regexp_replace(${t}, ${p}, '', 'g')`,
  utf8Bytes: (t) => `strlen(${t})`,
  toTimestamp: (t) => `TRY_CAST(${t} AS TIMESTAMP)`,
  addMillis: (ts, ms) => `(${ts} + to_milliseconds(${ms}))`,
  toInt: (t) => `TRY_CAST(${t} AS INTEGER)`,
};

const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

// The processor's patterns (lambda/core/record.ts), in the regex syntax both engines share (RE2 and Joni).
const NUMERIC_STRING = literal('^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$');
// Six groups at most (DuckDB's regexp_extract takes group numbers up to 9): date, hour, minute, second, fraction, zone.
const ISO_WITH_ZONE = literal(
  '^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]{1,9}))?([Zz]|[+-][0-9]{2}:?[0-9]{2})$',
);
const NAIVE_UTC = literal(
  '^([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?$',
);
const NON_PRINTABLE = literal('\\p{C}');
const ASTRAL = literal('[^\\x{10000}-\\x{10FFFF}]');
// Athena reads bad UTF-8 as U+FFFD; the processor refuses such a value, so a line holding U+FFFD is refused too.
const REPLACEMENT = literal('\uFFFD');

export interface CompactionSqlInput {
  /** Start (epoch ms) of the event hour. */
  readonly eventHourMs: number;
  /** Arrival hours (starts, epoch ms) to read: the window. */
  readonly arrivalHoursMs: readonly number[];
  /** The processor's clock-skew allowance, ms. */
  readonly maxEventTimeSkewMs: number;
  /** The table of raw lines: columns `line`, `object`, `year`, `month`, `day`, `hour`. @default 'raw_lines' */
  readonly rawLinesTable?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `(year = '2026' AND month = '11' AND day = '21' AND hour = '09') OR …`: partition pruning on the raw table. */
const windowFilter = (hours: readonly number[]): string =>
  hours
    .map((ms) => {
      const t = new Date(ms);
      const parts = [
        `year = '${t.getUTCFullYear()}'`,
        `month = '${pad(t.getUTCMonth() + 1)}'`,
        `day = '${pad(t.getUTCDate())}'`,
        `hour = '${pad(t.getUTCHours())}'`,
      ];
      return `(${parts.join(' AND ')})`;
    })
    .join('\n     OR ');

const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** The typed fields of each parsed line (NULL where the processor would refuse the value's type or form). */
const fieldsSql = (sql: SqlDialect): string => {
  const f = (name: string) => `json_extract(doc, '$.${name}')`;
  const isString = (json: string) => `${sql.jsonText(json)} LIKE '"%'`;
  const text = (name: string) => `CASE WHEN ${isString(f(name))} THEN ${sql.stringValue(f(name))} END`;
  const number = (name: string) =>
    `CASE WHEN ${sql.regexpLike(sql.jsonText(f(name)), "'^-?[0-9]'")} THEN ${sql.toDouble(f(name))}` +
    ` WHEN ${isString(f(name))} AND ${sql.regexpLike(sql.stringValue(f(name)), NUMERIC_STRING)}` +
    ` THEN ${sql.toDouble(`trim(${sql.stringValue(f(name))})`)} END`;
  return [
    `${text('deviceid')} AS deviceid`,
    `${text('model')} AS model`,
    `${text('interface')} AS interface`,
    `${text('interfacestatus')} AS interfacestatus`,
    `${number('cpuusage')} AS cpuusage`,
    `${number('memoryusage')} AS memoryusage`,
    `${text('event_time')} AS event_text`,
  ].join(',\n    ');
};

/** event_time's text → a timestamp (UTC), as parseEventTime reads it; NULL when the processor would refuse it. */
const eventTimeSql = (sql: SqlDialect): string => {
  const isIso = sql.regexpLike('event_text', ISO_WITH_ZONE);
  // A group that did not take part is NULL in Athena and '' in DuckDB: '' in both here.
  const g = (n: number) =>
    `coalesce(CASE WHEN ${isIso} THEN regexp_extract(event_text, ${ISO_WITH_ZONE}, ${n})` +
    ` ELSE regexp_extract(event_text, ${NAIVE_UTC}, ${n}) END, '')`;
  const [date, h, mi, s, frac, zone] = [1, 2, 3, 4, 5, 6].map(g) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const local = sql.toTimestamp(
    `concat(${date}, ' ', ${h}, ':', ${mi}, ':', ${s}, '.', rpad(substr(${frac}, 1, 3), 3, '0'))`,
  );
  const sign = `substr(${zone}, 1, 1)`;
  const zoneHours = `substr(${zone}, 2, 2)`;
  const zoneMinutes = `substr(${zone}, length(${zone}) - 1, 2)`;
  const signed = `CASE WHEN ${sign} = '-' THEN -1 WHEN ${sign} = '+' THEN 1 ELSE 0 END`;
  const offsetMinutes = `CASE WHEN ${sign} IN ('+', '-') THEN ${signed} * (${sql.toInt(zoneHours)} * 60 + ${sql.toInt(zoneMinutes)}) ELSE 0 END`;
  const offsetOk = `(${sign} NOT IN ('+', '-') OR (${sql.toInt(zoneHours)} <= 23 AND ${sql.toInt(zoneMinutes)} <= 59))`;
  const formOk = `(${isIso} OR ${sql.regexpLike('event_text', NAIVE_UTC)})`;
  const fieldsOk = [
    formOk,
    `${sql.toInt(h)} <= 23`,
    `${sql.toInt(mi)} <= 59`,
    `${sql.toInt(s)} <= 59`,
    offsetOk,
  ].join(' AND ');
  return `CASE WHEN ${fieldsOk} THEN ${sql.addMillis(local, `-60000 * (${offsetMinutes})`)} END`;
};

/** A text field the processor accepts: 1–256 UTF-16 units (JavaScript's length), no unpaired surrogate. */
const textOk = (sql: SqlDialect, column: string): string =>
  `${column} <> '' AND length(${column}) + length(${sql.regexpReplaceAll(column, ASTRAL)}) <= ${MAX_TEXT_FIELD_LENGTH}`;

/** The processor's validity rule (decodeRecord) over the typed fields. */
const validSql = (sql: SqlDialect): string =>
  [
    `${sql.utf8Bytes('line')} BETWEEN 1 AND ${MAX_VALUE_BYTES}`,
    `strpos(line, ${REPLACEMENT}) = 0`,
    `${sql.jsonText('doc')} LIKE '{%'`,
    sql.uniqueKeys('doc'),
    `length(deviceid) BETWEEN 1 AND ${MAX_DEVICE_ID_LENGTH}`,
    `NOT ${sql.regexpLike('deviceid', NON_PRINTABLE)}`,
    ...['model', 'interface', 'interfacestatus'].map((c) => textOk(sql, c)),
    `cpuusage BETWEEN ${CPU_RANGE.min} AND ${CPU_RANGE.max}`,
    `memoryusage BETWEEN ${MEMORY_RANGE.min} AND ${MEMORY_RANGE.max}`,
    'event_time IS NOT NULL',
  ].join('\n    AND ');

/**
 * The SELECT that produces one curated hour: the window's lines, parsed, typed, checked as the processor checks them,
 * in the hour by event_time, once per distinct line (every field is a function of the line; the source is the first
 * delivery by object key).
 */
export const compactionSelectSql = (sql: SqlDialect, input: CompactionSqlInput): string => {
  const table = input.rawLinesTable ?? 'raw_lines';
  const hourStart = sql.toTimestamp(literal(utcText(input.eventHourMs)));
  const hourEnd = sql.toTimestamp(literal(utcText(input.eventHourMs + 3_600_000)));
  const arrival = sql.toTimestamp("concat(year, '-', month, '-', day, ' ', hour, ':00:00.000')");
  return `WITH lines AS (
  SELECT line, object, ${arrival} AS arrival_hour, ${sql.parseJson('line')} AS doc
  FROM ${table}
  WHERE ${windowFilter(input.arrivalHoursMs)}
),
fields AS (
  SELECT line, object, arrival_hour, doc,
    ${fieldsSql(sql)}
  FROM lines
),
typed AS (
  SELECT fields.*, ${eventTimeSql(sql)} AS event_time
  FROM fields
),
valid AS (
  SELECT deviceid, model, interface, interfacestatus, cpuusage, memoryusage, event_time, object, line
  FROM typed
  WHERE ${validSql(sql)}
    AND event_time <= ${sql.addMillis('arrival_hour', String(3_600_000 + input.maxEventTimeSkewMs))}
    AND event_time >= ${hourStart} AND event_time < ${hourEnd}
)
SELECT min(deviceid) AS deviceid, min(model) AS model, min(interface) AS interface,
  min(interfacestatus) AS interfacestatus, min(cpuusage) AS cpuusage, min(memoryusage) AS memoryusage,
  min(event_time) AS event_time, min(object) AS source_object
FROM valid
GROUP BY line`;
};

/**
 * Athena only: UNLOAD writes the SELECT's rows as Parquet (zstd) under the hour's prefix, or under one run's prefix in
 * it (`…/hour=09/run=<id>/`, what the compactor does); the target must be empty.
 */
export const unloadSql = (
  select: string,
  bucket: string,
  partition: { day: string; hour: string },
  run?: string,
): string => {
  const target = run === undefined ? curatedHourPrefix(partition) : curatedRunPrefix(partition, run);
  return `UNLOAD (\n${select}\n)\nTO 's3://${bucket}/${target}'\nWITH (format = 'PARQUET', compression = 'ZSTD')`;
};

/** `curated/telemetry/day=2026-11-21/hour=09/`. */
export const curatedHourPrefix = (partition: { day: string; hour: string }): string =>
  `${CURATED_TABLE_PREFIX}day=${partition.day}/hour=${partition.hour}/`;

/** One compaction run's folder in the hour: `curated/telemetry/day=2026-11-21/hour=09/run=<id>/`. */
export const curatedRunPrefix = (partition: { day: string; hour: string }, run: string): string =>
  `${curatedHourPrefix(partition)}run=${run}/`;
