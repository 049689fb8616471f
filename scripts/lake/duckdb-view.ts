import { join } from 'node:path';
import {
  type GlueColumnType,
  LAKE_PREFIX,
  RAW_COLUMNS,
  RAW_PARTITION_KEYS,
  RAW_TABLE_NAME,
} from '../../lib/lake-schema.ts';

/**
 * The SQL that makes the local lake look like the Glue table: a view named like the table, with its columns and
 * types, over every `raw/year=…/month=…/day=…/hour=…/*.gz` file. Each line is read as one JSON value; a malformed
 * line becomes a row of NULLs (as Athena's OpenX SerDe with `ignore.malformed.json` returns it), never an error.
 */

/** DuckDB's spelling of each Glue type the lake uses. */
export const DUCKDB_TYPE: Readonly<Record<GlueColumnType, string>> = { string: 'VARCHAR', double: 'DOUBLE' };

/** Every line of the lake as JSON (NULL when malformed) plus its partition columns; the view reads it. */
export const RAW_LINES_VIEW = 'raw_lines';

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The glob of raw files under a lake root; only names ending in .gz, so in-flight temp files are skipped. */
export const rawFilesGlob = (lakeDir: string): string =>
  join(lakeDir, LAKE_PREFIX.raw, ...RAW_PARTITION_KEYS.map(({ name }) => `${name}=*`), '*.gz');

/**
 * A field of the line's JSON object as the Glue column type: strings as their text (a number's digits, an
 * object's JSON), doubles also from numeric strings (the blog producer's), NULL when absent or not a number.
 */
const columnExpression = (name: string, type: GlueColumnType): string => {
  const text = `json_extract_string(json, ${literal(`$.${name}`)})`;
  switch (type) {
    case 'string':
      return text;
    case 'double':
      return `TRY_CAST(${text} AS ${DUCKDB_TYPE.double})`;
  }
};

export const createViewsSql = (lakeDir: string): string => {
  const partitions = RAW_PARTITION_KEYS.map(({ name }) => identifier(name));
  // Hive partition values stay strings (DuckDB would otherwise guess integers and drop the leading zeros).
  const hiveTypes = RAW_PARTITION_KEYS.map(
    ({ name, type }) => `${literal(name)}: ${literal(DUCKDB_TYPE[type])}`,
  );
  const lines = [
    `CREATE OR REPLACE TEMP VIEW ${RAW_LINES_VIEW} AS SELECT json, ${partitions.join(', ')}`,
    `FROM read_ndjson_objects(${literal(rawFilesGlob(lakeDir))}, compression = 'gzip', ignore_errors = true,`,
    `  hive_partitioning = true, hive_types = {${hiveTypes.join(', ')}}, hive_types_autocast = false);`,
  ];
  const columns = RAW_COLUMNS.map(
    ({ name, type }) => `${columnExpression(name, type)} AS ${identifier(name)}`,
  );
  lines.push(
    `CREATE OR REPLACE TEMP VIEW ${identifier(RAW_TABLE_NAME)} AS SELECT`,
    `  ${[...columns, ...partitions].join(',\n  ')}`,
    `FROM ${RAW_LINES_VIEW};`,
  );
  return lines.join('\n');
};

/** Lines that are not a JSON object: Athena returns them as rows of NULLs; the CLI counts and reports them. */
export const MALFORMED_COUNT_SQL = `SELECT count(*) AS lines, count(*) FILTER (WHERE json IS NULL OR json_type(json) <> 'OBJECT') AS malformed FROM ${RAW_LINES_VIEW}`;
