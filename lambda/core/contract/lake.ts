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
