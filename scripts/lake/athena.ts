import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { FleetStreamError } from '#core/errors.ts';
import { canonicalCell, cellKind, type QueryResult } from './result.ts';
import { sqlStringLiteral } from './sql-literal.ts';

/** Runs SQL in the deployed Athena workgroup: start, poll with progress until done, read every result page. */

export interface AthenaQuery {
  readonly workGroup: string;
  readonly database: string;
  readonly sql: string;
  /** Values for the query's `?` placeholders, passed as SQL string literals (as the local runner binds them). */
  readonly params?: readonly string[];
}

export interface AthenaProgress {
  readonly queryExecutionId: string;
  readonly state: QueryExecutionState | string;
  readonly elapsedMs: number;
  readonly bytesScanned: number;
}

export interface AthenaRunOptions {
  readonly onProgress?: (progress: AthenaProgress) => void;
  /** @default 1000 */
  readonly pollIntervalMs?: number;
  /** Injectable so tests do not wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborting stops the query in Athena (Ctrl-C) instead of leaving it running and billing. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/** Athena ended the query without an answer (FAILED or CANCELLED), with its reason. */
export class AthenaQueryError extends FleetStreamError {
  override readonly name = 'AthenaQueryError';
}

export const runAthenaQuery = async (
  client: AthenaClient,
  query: AthenaQuery,
  options: AthenaRunOptions = {},
): Promise<QueryResult> => {
  const { pollIntervalMs = 1_000, sleep = sleepFor, now = Date.now, signal } = options;
  const params = query.params ?? [];
  const started = now();
  const { QueryExecutionId: id } = await client.send(
    new StartQueryExecutionCommand({
      QueryString: query.sql,
      WorkGroup: query.workGroup,
      QueryExecutionContext: { Database: query.database },
      // Athena's execution parameters are SQL literals: a string goes in quoted.
      ...(params.length > 0 ? { ExecutionParameters: params.map(sqlStringLiteral) } : {}),
    }),
  );
  if (id === undefined) throw new AthenaQueryError('Athena started no query (no QueryExecutionId)');

  let statementType: string | undefined;
  for (;;) {
    if (signal?.aborted) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      throw new AthenaQueryError(`query ${id} stopped`);
    }
    const { QueryExecution: execution } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: id }),
    );
    const state = execution?.Status?.State ?? 'UNKNOWN';
    options.onProgress?.({
      queryExecutionId: id,
      state,
      elapsedMs: now() - started,
      bytesScanned: execution?.Statistics?.DataScannedInBytes ?? 0,
    });
    if (state === 'SUCCEEDED') {
      statementType = execution?.StatementType;
      break;
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = execution?.Status?.StateChangeReason ?? 'no reason given';
      throw new AthenaQueryError(`query ${id} ${state.toLowerCase()}: ${reason}`);
    }
    await sleep(pollIntervalMs);
  }

  let columns: QueryResult['columns'] = [];
  const rows: (string | null)[][] = [];
  let nextToken: string | undefined;
  let firstPage = true;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken, MaxResults: 1_000 }),
    );
    if (firstPage) {
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info) => ({
        name: info.Name ?? '',
        type: (info.Type ?? 'varchar').toLowerCase(),
      }));
    }
    const kinds = columns.map(({ type }) => cellKind(type));
    const pageRows = page.ResultSet?.Rows ?? [];
    // A SELECT's first row is its header (column names), not data.
    const skip = firstPage && statementType === 'DML' ? 1 : 0;
    for (const row of pageRows.slice(skip)) {
      const data = row.Data ?? [];
      rows.push(columns.map((_, i) => canonicalCell(kinds[i] ?? 'text', data[i]?.VarCharValue ?? null)));
    }
    firstPage = false;
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return { columns, rows };
};
