import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAthenaQuery } from '#scripts/lake/athena.ts';
import { main } from '#scripts/lake.ts';

const athena = mockClient(AthenaClient);
const cfn = mockClient(CloudFormationClient);

const QUERY_ID = 'q-1234';
const OUTPUTS = [
  { OutputKey: 'AthenaWorkGroup', OutputValue: 'fleetstream-wg' },
  { OutputKey: 'GlueDatabase', OutputValue: 'fleetstream_db' },
];

const cell = (value?: string) => (value === undefined ? {} : { VarCharValue: value });
const row = (...values: (string | undefined)[]) => ({ Data: values.map(cell) });
const columns = [
  { Name: 'model', Type: 'varchar' },
  { Name: 'records', Type: 'bigint' },
  { Name: 'p95_cpu', Type: 'double' },
];

const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

/** Queued, running, then done: two result pages, the first starting with the header row. */
const succeeding = () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
  athena
    .on(GetQueryExecutionCommand)
    .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
    .resolvesOnce({
      QueryExecution: { Status: { State: 'RUNNING' }, Statistics: { DataScannedInBytes: 1_048_576 } },
    })
    .resolves({
      QueryExecution: {
        StatementType: 'DML',
        Status: { State: 'SUCCEEDED' },
        Statistics: { DataScannedInBytes: 3_145_728 },
      },
    });
  athena
    .on(GetQueryResultsCommand, { QueryExecutionId: QUERY_ID, NextToken: undefined })
    .resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [row('model', 'records', 'p95_cpu'), row('ARC-X5', '12', '97.0')],
      },
      NextToken: 'page-2',
    })
    .on(GetQueryResultsCommand, { QueryExecutionId: QUERY_ID, NextToken: 'page-2' })
    .resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [row('EVG2000', '9007199254740993', '1.0E-4'), row(undefined, '3', undefined)],
      },
    });
};

describe('npm run lake -- --athena', () => {
  beforeEach(() => {
    athena.reset();
    cfn.reset();
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'FleetStreamStateful', Outputs: OUTPUTS } as never] });
  });

  it('runs the SQL in the workgroup and database from the stack outputs, pages through every row, prints JSON', async () => {
    succeeding();
    const sql = 'SELECT model, count(*) AS records FROM raw_telemetry WHERE day = ? GROUP BY model';
    const { code, out, err } = await run([
      '--athena',
      '--region',
      'eu-west-1',
      '--json',
      '--param',
      "2'1",
      sql,
    ]);
    expect(code, err).toBe(0);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'FleetStreamStateful' });
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: sql,
      WorkGroup: 'fleetstream-wg',
      QueryExecutionContext: { Database: 'fleetstream_db' },
      ExecutionParameters: ["'2''1'"],
    });
    expect(athena).toHaveReceivedCommandTimes(GetQueryResultsCommand, 2);
    // Header row skipped; doubles in one spelling with DuckDB's; a bigint past 2^53 kept exact as text.
    expect(JSON.parse(out)).toEqual([
      { model: 'ARC-X5', records: 12, p95_cpu: 97 },
      { model: 'EVG2000', records: '9007199254740993', p95_cpu: 0.0001 },
      { model: null, records: 3, p95_cpu: null },
    ]);
    expect(err).toMatch(/athena: QUEUED/);
    expect(err).toMatch(/athena: RUNNING after [\d.]+ s, 1\.0 MB scanned/);
    expect(err).toMatch(/athena: SUCCEEDED after [\d.]+ s, 3\.0 MB scanned/);
  }, 30_000);

  it('prints the same aligned table as the local path', async () => {
    succeeding();
    const { code, out } = await run(['--athena', '--workgroup', 'wg', '--database', 'db', 'SELECT 1'], {
      AWS_REGION: 'us-east-1',
    });
    expect(code).toBe(0);
    expect(cfn).not.toHaveReceivedCommand(DescribeStacksCommand); // both given: no stack lookup
    expect(out.split('\n')).toEqual([
      'model   |          records | p95_cpu',
      '--------+------------------+--------',
      'ARC-X5  |               12 |      97',
      'EVG2000 | 9007199254740993 |  0.0001',
      'NULL    |                3 |    NULL',
      '(3 rows)',
    ]);
  }, 30_000);

  it('fails with Athena’s reason when the query fails', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
        },
      },
    });
    const { code, err } = await run(['--athena', '--region', 'eu-west-1', 'SELECT nope FROM raw_telemetry']);
    expect(code).toBe(1);
    expect(err).toContain(`error: query ${QUERY_ID} failed: COLUMN_NOT_FOUND`);
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  }, 30_000);

  it('says the stack is missing instead of the SDK’s validation error', async () => {
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id FleetStreamStateful does not exist'), {
        name: 'ValidationError',
      }),
    );
    const { code, err } = await run(['--athena', '--region', 'eu-west-1', 'SELECT 1']);
    expect(code).toBe(1);
    expect(err).toContain('error: stack FleetStreamStateful not found in eu-west-1: deploy it');
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  }, 30_000);

  it('says the stack lacks the lake outputs when it is from an older version', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'FleetStreamStateful', Outputs: [] } as never] });
    const { code, err } = await run(['--athena', '--region', 'eu-west-1', 'SELECT 1']);
    expect(code).toBe(1);
    expect(err).toContain('has no output AthenaWorkGroup');
  }, 30_000);

  it.each([
    [['--athena', 'SELECT 1'], /--athena needs a region/],
    [['--athena', '--region', 'r', '--dir', '/tmp', 'SELECT 1'], /apply to the local lake/],
    [['--region', 'eu-west-1', 'SELECT 1'], /go with --athena/],
  ])('exits 2 with the usage line on flags that do not fit %#', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/usage: npm run lake/);
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });

  it('stops the query in Athena when aborted (Ctrl-C) instead of leaving it running', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const abort = new AbortController();
    let polls = 0;
    const run = runAthenaQuery(
      new AthenaClient({ region: 'eu-west-1' }),
      { workGroup: 'wg', database: 'db', sql: 'SELECT 1' },
      {
        signal: abort.signal,
        sleep: async () => {
          if (++polls === 2) abort.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(`query ${QUERY_ID} stopped`);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: QUERY_ID });
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 2);
  });
});
