import { join } from 'node:path';
import {
  type GlueColumnType,
  LAKE_PREFIX,
  RAW_COLUMNS,
  RAW_PARTITION_KEYS,
  RAW_TABLE_NAME,
} from '#core/contract/lake.ts';
import { sqlStringLiteral } from './sql-literal.ts';

/**
 * The SQL that makes the local lake look like the Glue table: a view named like the table, with its columns and
 * types, over every `raw/year=…/month=…/day=…/hour=…/*.gz` file. Each line is read as one JSON value; a malformed
 * line becomes a row of NULLs (as Athena's OpenX SerDe with `ignore.malformed.json` returns it), never an error.
 */

/** DuckDB's spelling of each Glue type the lake uses. */
export const DUCKDB_TYPE: Readonly<Record<GlueColumnType, string>> = { string: 'VARCHAR', double: 'DOUBLE' };

const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The glob of raw files under a lake root; only names ending in .gz, so in-flight temp files are skipped. */
export const rawFilesGlob = (lakeDir: string): string =>
  join(lakeDir, LAKE_PREFIX.raw, ...RAW_PARTITION_KEYS.map(({ name }) => `${name}=*`), '*.gz');

/** The struct each line is parsed into, once. */
const FIELDS = 'fields';

/** A line that is not JSON (or not UTF-8) becomes a row of NULLs instead of failing the query. */
const LENIENT_GZIP = "compression = 'gzip', ignore_errors = true";

/**
 * A field as the Glue column type. Every field is first taken as text (a string's value, a number's digits, an
 * object's JSON), so a value of the wrong type never fails the line: doubles are cast from that text (numbers and the
 * blog producer's numeric strings) and are NULL when it is not a number.
 */
const columnExpression = (name: string, type: GlueColumnType): string => {
  const text = `${FIELDS}.${identifier(name)}`;
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
    ({ name, type }) => `${sqlStringLiteral(name)}: ${sqlStringLiteral(DUCKDB_TYPE[type])}`,
  );
  const asText = `{${RAW_COLUMNS.map(({ name }) => `${JSON.stringify(name)}: "VARCHAR"`).join(', ')}}`;
  const columns = RAW_COLUMNS.map(
    ({ name, type }) => `${columnExpression(name, type)} AS ${identifier(name)}`,
  );
  // read_ndjson_objects splits strictly on newlines, as Hive's TextInputFormat does: a line cut short after a colon
  // cannot swallow the next one (read_ndjson's typed reader would parse on into it and lose both). Each line is then
  // parsed once, into a struct of text fields.
  return [
    `CREATE OR REPLACE TEMP VIEW ${identifier(RAW_TABLE_NAME)} AS SELECT`,
    `  ${[...columns, ...partitions].join(',\n  ')}`,
    `FROM (SELECT json_transform(json, ${sqlStringLiteral(asText)}) AS ${FIELDS}, ${partitions.join(', ')}`,
    `  FROM read_ndjson_objects(${sqlStringLiteral(rawFilesGlob(lakeDir))}, ${LENIENT_GZIP}, hive_partitioning = true,`,
    `    hive_types = {${hiveTypes.join(', ')}}, hive_types_autocast = false));`,
  ].join('\n');
};

/**
 * Per file: its non-blank lines and those that are not a JSON object (rows of NULLs in the view, as Athena returns
 * them). Files without a non-blank line are absent from the answer.
 */
export const lineCountSql = (files: readonly string[]): string =>
  [
    "SELECT filename, count(*) AS lines, count(*) FILTER (WHERE json IS NULL OR json_type(json) <> 'OBJECT') AS malformed",
    `FROM read_ndjson_objects([${files.map(sqlStringLiteral).join(', ')}], ${LENIENT_GZIP}, filename = true)`,
    'GROUP BY filename',
  ].join('\n');
