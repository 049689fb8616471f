/**
 * The lake's prefixes and the raw table's shape, defined once: the Glue table (lib/constructs/data-lake.ts), the local
 * runtime's folders (scripts/local/) and the local DuckDB view (scripts/lake/) all read it, so a query written against
 * Athena runs unchanged against the local lake.
 */

/** S3 prefixes of the lake; Firehose writes them, Glue/Athena read them (locally: folders under .local/datalake/). */
export const LAKE_PREFIX = {
  raw: 'raw/',
  rawErrors: 'raw-errors/',
  deadLetter: 'dead-letter/',
  deadLetterErrors: 'dead-letter-errors/',
  athenaResults: 'athena-results/',
  /** Compacted, typed, de-duplicated tables (Parquet), one folder per table. */
  curated: 'curated/',
} as const;

/** The Glue (Hive) column types the raw table uses. */
export type GlueColumnType = 'string' | 'double';

export interface LakeColumn {
  readonly name: string;
  readonly type: GlueColumnType;
}

/** Name of the Glue table over `raw/`, and of the local view over `.local/datalake/raw/`. */
export const RAW_TABLE_NAME = 'raw_telemetry';

/**
 * Columns read from each JSON line (the telemetry record contract). Numbers are doubles: the blog's producer sends
 * them as numeric strings, which the SerDe reads as numbers. `event_time` stays a string: it comes in two formats.
 */
export const RAW_COLUMNS: readonly LakeColumn[] = [
  { name: 'deviceid', type: 'string' },
  { name: 'model', type: 'string' },
  { name: 'interface', type: 'string' },
  { name: 'interfacestatus', type: 'string' },
  { name: 'cpuusage', type: 'double' },
  { name: 'memoryusage', type: 'double' },
  { name: 'event_time', type: 'string' },
];

/**
 * Partition columns, in folder order (`year=YYYY/month=MM/day=DD/hour=HH`, the UTC hour of arrival). Strings, as
 * Athena's partition projection hands them out: month, day and hour keep their leading zero.
 */
export const RAW_PARTITION_KEYS: readonly LakeColumn[] = [
  { name: 'year', type: 'string' },
  { name: 'month', type: 'string' },
  { name: 'day', type: 'string' },
  { name: 'hour', type: 'string' },
];

/** A prefix as a folder name (`raw/` → `raw`), for local paths. */
export const lakeFolder = (prefix: string): string => prefix.replace(/\/$/, '');

/**
 * Name of the Glue table over `raw/` that reads each line whole (one string column `line`): the compaction's source,
 * so the processor's rules (JSON types, duplicate keys, sizes) can be checked in SQL. Not needed locally.
 */
export const RAW_LINES_TABLE_NAME = 'raw_lines';

/** Name of the curated Glue table, of its folder under `curated/`, and of the local view over it. */
export const CURATED_TABLE_NAME = 'telemetry';

/** Where the curated table's Parquet files live: `curated/telemetry/day=YYYY-MM-DD/hour=HH/`. */
export const CURATED_TABLE_PREFIX = `${LAKE_PREFIX.curated}${CURATED_TABLE_NAME}/`;

/** The Glue types of the curated table (Parquet). */
export type CuratedColumnType = 'string' | 'double' | 'timestamp';

export interface CuratedColumn {
  readonly name: string;
  readonly type: CuratedColumnType;
  readonly comment: string;
}

/**
 * The curated table's columns: the record contract's fields under their wire names (so a raw query reads the same
 * over the curated table), typed as the processor reads them, plus where each row came from. Kafka topic, partition,
 * offset and timestamp are not columns: the raw archive keeps record values only (docs/DATA_MODEL.md "Curated table").
 */
export const CURATED_COLUMNS: readonly CuratedColumn[] = [
  { name: 'deviceid', type: 'string', comment: 'device id (deviceid)' },
  { name: 'model', type: 'string', comment: 'modem model' },
  { name: 'interface', type: 'string', comment: 'interface name' },
  { name: 'interfacestatus', type: 'string', comment: 'interface status' },
  { name: 'cpuusage', type: 'double', comment: 'CPU percent, 0-100' },
  { name: 'memoryusage', type: 'double', comment: 'memory MB, 0-1048576' },
  { name: 'event_time', type: 'timestamp', comment: 'event time, UTC, millisecond precision' },
  {
    name: 'source_object',
    type: 'string',
    comment:
      'raw archive object key (raw/year=.../*.gz) of the first delivery, by key order (de-duplication key: sha-256 of the raw line, not stored)',
  },
];

/**
 * Partition columns of the curated table, in folder order: the UTC event day (`2026-11-21`) and hour (`09`) of the
 * record's event_time (not its arrival), as strings.
 */
export const CURATED_PARTITION_KEYS: readonly LakeColumn[] = [
  { name: 'day', type: 'string' },
  { name: 'hour', type: 'string' },
];

/**
 * When an event hour is compacted into the curated table, in AWS and locally (one home for the defaults):
 * first `delayMinutes` after the hour closes (after Firehose's buffering), then once more `lateHours` hours later to
 * take in late records; each compaction reads arrival hours up to `lateHours + 1` after the event hour. Records that
 * arrive later than that stay in the raw archive only.
 */
export const CURATED_COMPACTION_DEFAULTS = {
  delayMinutes: 5,
  lateHours: 2,
} as const;

/**
 * The AWS compactor's Lambda timeout: also how long after its start a compaction run is known to have ended (its
 * leftovers may then be deleted by a later run of the hour, lambda/lake-compactor/run-swap.ts).
 */
export const COMPACTOR_TIMEOUT_MINUTES = 15;
