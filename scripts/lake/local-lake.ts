import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { LAKE_PREFIX } from '#core/contract/lake.ts';
import { FleetStreamError } from '#core/errors.ts';
import { createCuratedViewSql, curatedFilesGlob } from './curated-view.ts';
import { createViewsSql, rawFilesGlob } from './duckdb-view.ts';
import { countLines, type LineCount } from './line-counts.ts';
import { canonicalCell, cellKind, type QueryResult } from './result.ts';
import { sqlStringLiteral } from './sql-literal.ts';

/** Runs SQL over the local lake with DuckDB, through views named and typed like the Glue tables (raw and curated). */

export interface LocalQuery {
  /** The lake root (`.local/datalake`): files are read from `<lakeDir>/raw/year=…/…/*.gz`. */
  readonly lakeDir: string;
  readonly sql: string;
  /** Values for the query's `?` placeholders, bound as strings (as Athena's execution parameters). */
  readonly params?: readonly string[];
  /** Also count the lake's lines and malformed lines (files not counted before are read again). @default true */
  readonly countMalformed?: boolean;
}

export interface LocalAnswer {
  readonly result: QueryResult;
  readonly lineCount?: LineCount;
}

/** The local lake has no raw files yet: nothing to query (a clear message instead of DuckDB's glob error). */
export class EmptyLakeError extends FleetStreamError {
  override readonly name = 'EmptyLakeError';
}

// Nothing may be fetched at run time (no network): json and parquet are built into the node bindings.
const OFFLINE = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' } as const;

const text = (value: DuckDBValue): string | null => (value === null ? null : String(value));

export const queryLocalLake = async (query: LocalQuery): Promise<LocalAnswer> => {
  if (!existsSync(join(query.lakeDir, LAKE_PREFIX.raw)))
    throw new EmptyLakeError(
      `no raw data under ${join(query.lakeDir, LAKE_PREFIX.raw)} — run npm start first`,
    );
  const instance = await DuckDBInstance.create(':memory:', OFFLINE);
  const connection = await instance.connect();
  try {
    try {
      await connection.run(createViewsSql(query.lakeDir));
      const curated = await connection.runAndReadAll(
        `SELECT count(*) FROM glob(${sqlStringLiteral(curatedFilesGlob(query.lakeDir))})`,
      );
      await connection.run(createCuratedViewSql(query.lakeDir, Number(curated.getRows()[0]?.[0] ?? 0) > 0));
      const reader = await connection.runAndReadAll(query.sql, [...(query.params ?? [])]);
      const columns = reader.columnNames().map((name, i) => ({
        name,
        type: String(reader.columnTypes()[i]).toLowerCase(),
      }));
      const kinds = columns.map(({ type }) => cellKind(type));
      const rows = reader
        .getRows()
        .map((row) => row.map((value, i) => canonicalCell(kinds[i] ?? 'text', text(value))));
      const result: QueryResult = { columns, rows };
      if (query.countMalformed === false) return { result };
      return { result, lineCount: await countLines(connection, query.lakeDir) };
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes('No files found') && message.includes(rawFilesGlob(query.lakeDir)))
        throw new EmptyLakeError(`no raw files under ${join(query.lakeDir, LAKE_PREFIX.raw)} yet`);
      throw error;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
