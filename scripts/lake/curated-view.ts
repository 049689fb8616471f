import { join } from 'node:path';
import {
  CURATED_COLUMNS,
  CURATED_PARTITION_KEYS,
  CURATED_TABLE_NAME,
  CURATED_TABLE_PREFIX,
  type CuratedColumnType,
} from '#core/contract/lake.ts';
import { sqlStringLiteral } from './sql-literal.ts';

/**
 * The local curated table: a DuckDB view named like the Glue table over every
 * `curated/telemetry/day=…/hour=…/*.parquet` file, partition columns as strings (as Athena's projection hands them
 * out). Compaction writes each hour's file under a temp name and renames it, so the glob never sees half a file.
 */

/** DuckDB's spelling of each curated column type. */
export const DUCKDB_CURATED_TYPE: Readonly<Record<CuratedColumnType, string>> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP',
};

/** The one file each compacted hour holds. */
export const CURATED_FILE = 'data.parquet';

const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The folder of one curated hour: `<lakeDir>/curated/telemetry/day=2026-11-21/hour=09`. */
export const curatedHourDir = (lakeDir: string, partition: { day: string; hour: string }): string =>
  join(lakeDir, CURATED_TABLE_PREFIX, `day=${partition.day}`, `hour=${partition.hour}`);

/** The glob of curated files; temp files (`.…tmp`) do not match. */
export const curatedFilesGlob = (lakeDir: string): string =>
  join(lakeDir, CURATED_TABLE_PREFIX, ...CURATED_PARTITION_KEYS.map(({ name }) => `${name}=*`), '*.parquet');

/**
 * Rows are written in this order: by model and device first, which halves the file against event-time order (runs
 * of one device compress), and by every column, so equal tables are equal files whatever order the raw was read in.
 */
export const CURATED_ORDER =
  'model, deviceid, interface, event_time, interfacestatus, cpuusage, memoryusage, source_object';

/** The columns in table order, `name TYPE`, for CREATE TABLE. */
export const curatedColumnsDdl = (): string =>
  CURATED_COLUMNS.map(({ name, type }) => `${identifier(name)} ${DUCKDB_CURATED_TYPE[type]}`).join(', ');

/**
 * `CREATE VIEW telemetry`: over the Parquet files when there are any, else an empty view with the same columns (a
 * query over a lake not compacted yet answers no rows instead of failing on a missing glob).
 */
export const createCuratedViewSql = (lakeDir: string, hasFiles: boolean): string => {
  const columns = [...CURATED_COLUMNS, ...CURATED_PARTITION_KEYS].map(({ name }) => identifier(name));
  if (!hasFiles) {
    const typed = [
      ...CURATED_COLUMNS.map(
        ({ name, type }) => `CAST(NULL AS ${DUCKDB_CURATED_TYPE[type]}) AS ${identifier(name)}`,
      ),
      ...CURATED_PARTITION_KEYS.map(({ name }) => `CAST(NULL AS VARCHAR) AS ${identifier(name)}`),
    ];
    return `CREATE OR REPLACE TEMP VIEW ${CURATED_TABLE_NAME} AS SELECT ${typed.join(', ')} WHERE false;`;
  }
  const hiveTypes = CURATED_PARTITION_KEYS.map(({ name }) => `${sqlStringLiteral(name)}: 'VARCHAR'`);
  return [
    `CREATE OR REPLACE TEMP VIEW ${CURATED_TABLE_NAME} AS SELECT ${columns.join(', ')}`,
    `  FROM read_parquet(${sqlStringLiteral(curatedFilesGlob(lakeDir))}, hive_partitioning = true,`,
    `    hive_types = {${hiveTypes.join(', ')}}, hive_types_autocast = false);`,
  ].join('\n');
};
