/**
 * `npm run lake -- "<SQL>"`: SQL over the raw lake. Locally with DuckDB through a view named and typed like the Glue
 * table; with `--athena`, the same text in the deployed Athena workgroup. Prints an aligned table, JSON or CSV.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CURATED_TABLE_NAME, RAW_TABLE_NAME } from '#core/contract/lake.ts';
import { type AthenaProgress, runAthenaQuery } from './lake/athena.ts';
import { explainAwsError, resolveAthenaTarget } from './lake/athena-target.ts';
import { describeCompaction, runLocalCompaction } from './lake/compact-cli.ts';
import { formatResult, type OutputFormat } from './lake/format.ts';
import { queryLocalLake } from './lake/local-lake.ts';
import type { QueryResult } from './lake/result.ts';
import { REPO_LOCAL_DIR } from './local/services/index.ts';
import { STATEFUL_STACK } from './shared/aws-stack.ts';
import { type CliArgs, runCliForCode, UsageError } from './shared/cli.ts';

export const lakeSpec = {
  usage:
    'usage: npm run lake -- ("<SQL>" | --file query.sql) [--param VALUE …] [--json | --csv]\n' +
    '       npm run lake -- --compact [--hour 2026-11-21T09] [--late-hours 2] [--dir .local/datalake]\n' +
    '         [--dir .local/datalake] [--no-line-count]\n' +
    '         [--athena [--region R] [--stack FleetStreamStateful] [--workgroup W --database D]]',
  description: [
    `Two tables. ${RAW_TABLE_NAME}: the raw archive, the Glue table's columns and types, partition columns year month`,
    "day hour as strings ('2026', '11', '21', '09'), the UTC hour a record arrived. Filter on them to read fewer files.",
    `${CURATED_TABLE_NAME}: the curated Parquet table (valid records once each, typed, event_time a timestamp),`,
    "partition columns day ('2026-11-21') and hour ('09') of event_time; filled by compaction.",
    '  --compact     compact one event hour of the local lake into the curated table now (replaces the hour)',
    '  --hour        the UTC hour to compact (default: the last closed hour)',
    '  --late-hours  arrival hours after the event hour to read late records from (default 2)',
    '  --file        read the query from a file (see docs/queries/*.sql)',
    '  --param       a value for the next ? placeholder, passed as a string (repeat in order)',
    '  --dir         the local lake (default $FLEETSTREAM_STATE_DIR/datalake, i.e. .local/datalake)',
    "  --no-line-count  do not count the lake's lines and malformed lines (rows of NULLs); counting reads each",
    '                file once, then keeps its counts in <dir>/.lake-line-counts.json',
    '  --athena      run in the deployed Athena workgroup; workgroup and database come from the stack outputs',
    '                unless both are given; region from --region or $AWS_REGION; default AWS credential chain',
  ].join('\n'),
  allowPositionals: true,
  options: {
    file: { type: 'string' },
    param: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    csv: { type: 'boolean', default: false },
    dir: { type: 'string' },
    'no-line-count': { type: 'boolean', default: false },
    athena: { type: 'boolean', default: false },
    compact: { type: 'boolean', default: false },
    hour: { type: 'string' },
    'late-hours': { type: 'string' },
    region: { type: 'string' },
    stack: { type: 'string' },
    workgroup: { type: 'string' },
    database: { type: 'string' },
  },
} as const;

export interface LakeIo {
  readonly stdout: (text: string) => void;
  /** Progress and reports; never mixed into the result. */
  readonly stderr: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: an Athena query is stopped rather than left running. */
  readonly signal?: AbortSignal;
}

const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const querySql = async (positionals: string[], file: string | undefined): Promise<string> => {
  if (positionals.length > 1) throw new UsageError(`expected one SQL argument, got ${positionals.length}`);
  const [inline] = positionals;
  if (inline !== undefined && file !== undefined) throw new UsageError('give the SQL or --file, not both');
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --file ${file}: ${(error as Error).message}`);
    }
  }
  if (inline === undefined || inline.trim() === '') throw new UsageError('missing "<SQL>" (or --file)');
  return inline;
};

const outputFormat = (json: boolean, csv: boolean): OutputFormat => {
  if (json && csv) throw new UsageError('--json and --csv exclude each other');
  return json ? 'json' : csv ? 'csv' : 'table';
};

type LakeFlags = CliArgs<typeof lakeSpec.options>['values'];

/** `--athena`: the workgroup and database from flags or the stack outputs, progress on stderr. */
const queryAthena = async (
  v: LakeFlags,
  sql: string,
  io: LakeIo,
  env: NodeJS.ProcessEnv,
): Promise<QueryResult> => {
  if (v.dir !== undefined || v['no-line-count'])
    throw new UsageError('--dir and --no-line-count apply to the local lake, not --athena');
  const region = v.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '')
    throw new UsageError('--athena needs a region: --region R or $AWS_REGION');
  const target = await resolveAthenaTarget(
    { workGroup: v.workgroup, database: v.database, stack: v.stack },
    region,
  );
  io.stderr(`athena: workgroup ${target.workGroup}, database ${target.database}, ${region}`);
  let lastState = '';
  const onProgress = (p: AthenaProgress) => {
    if (p.state === lastState) return;
    lastState = p.state;
    io.stderr(`athena: ${p.state} after ${seconds(p.elapsedMs)}, ${megabytes(p.bytesScanned)} scanned`);
  };
  try {
    return await runAthenaQuery(
      new AthenaClient({ region }),
      { workGroup: target.workGroup, database: target.database, sql, params: v.param ?? [] },
      { onProgress, signal: io.signal },
    );
  } catch (error) {
    throw explainAwsError(error, v.stack ?? STATEFUL_STACK, region);
  }
};

const localLakeDir = (v: LakeFlags, env: NodeJS.ProcessEnv): string =>
  v.dir ?? join(env.FLEETSTREAM_STATE_DIR ?? REPO_LOCAL_DIR, 'datalake');

/** The local lake with DuckDB; the line count (and the time taken) on stderr. */
const queryLocal = async (
  v: LakeFlags,
  sql: string,
  io: LakeIo,
  env: NodeJS.ProcessEnv,
): Promise<QueryResult> => {
  if (
    v.region !== undefined ||
    v.stack !== undefined ||
    v.workgroup !== undefined ||
    v.database !== undefined
  )
    throw new UsageError('--region, --stack, --workgroup and --database go with --athena');
  const lakeDir = localLakeDir(v, env);
  const started = performance.now();
  const { result, lineCount } = await queryLocalLake({
    lakeDir,
    sql,
    params: v.param ?? [],
    countMalformed: !v['no-line-count'],
  });
  const took = seconds(performance.now() - started);
  io.stderr(
    lineCount === undefined
      ? `lake: ${took}`
      : `lake: ${lineCount.lines} non-blank lines, ${lineCount.malformed} malformed (read as rows of NULLs, as Athena does), ${took}`,
  );
  return result;
};

export const main = async (argv: string[], io: LakeIo): Promise<number> => {
  const env = io.env ?? process.env;
  return runCliForCode(
    lakeSpec,
    async ({ values: v, positionals }) => {
      if (v.compact) {
        if (v.athena) throw new UsageError('--compact runs locally; in AWS the scheduled compaction does it');
        const result = await runLocalCompaction(
          { hour: v.hour, lateHours: v['late-hours'], positionals },
          localLakeDir(v, env),
        );
        io.stderr(describeCompaction(result));
        return 0;
      }
      if (v.hour !== undefined || v['late-hours'] !== undefined)
        throw new UsageError('--hour and --late-hours go with --compact');
      const sql = await querySql(positionals, v.file);
      const format = outputFormat(v.json, v.csv);
      const result = v.athena ? await queryAthena(v, sql, io, env) : await queryLocal(v, sql, io, env);
      io.stdout(formatResult(result, format));
      return 0;
    },
    {
      argv,
      stdout: io.stdout,
      stderr: io.stderr,
    },
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    signal: abort.signal,
  });
  process.exit(code);
}
