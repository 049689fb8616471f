import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import {
  AlreadyExistsException,
  CreatePartitionCommand,
  EntityNotFoundException,
  GetPartitionCommand,
  GetTableCommand,
  GlueClient,
  UpdatePartitionCommand,
} from '@aws-sdk/client-glue';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '#core/contract/env.ts';
import { handler } from '#lambda/lake-compactor/handler.ts';

/** The compactor's handler against mocked Athena, S3 and Glue: a manual hour and its re-run, a failed query. */

const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);
const glue = mockClient(GlueClient);

beforeEach(() => {
  athena.reset();
  s3.reset();
  glue.reset();
  process.env[ENV.lakeBucket] = 'lake-bucket';
  process.env[ENV.athenaWorkGroup] = 'wg';
  process.env[ENV.glueDatabase] = 'db';
  process.env[ENV.compactionLateHours] = '2';
});

/** Tiny S3 and Glue state behind the mocks, so a run's markers, listings and partition moves are consistent. */
const state = { keys: new Set<string>(), location: undefined as string | undefined };

const fakeS3AndGlue = () => {
  state.keys.clear();
  state.location = undefined;
  s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
    state.keys.add(input.Key);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
    Contents: [...state.keys].filter((k) => k.startsWith(input.Prefix)).map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  s3.on(DeleteObjectsCommand).callsFake((input: { Delete: { Objects: { Key: string }[] } }) => {
    for (const o of input.Delete.Objects) state.keys.delete(o.Key);
    return {};
  });
  const notFound = () => new EntityNotFoundException({ message: 'no partition', $metadata: {} });
  glue.on(GetTableCommand).resolves({
    Table: {
      Name: 'telemetry',
      DatabaseName: 'db',
      StorageDescriptor: { Columns: [{ Name: 'deviceid', Type: 'string' }] },
    },
  });
  glue.on(GetPartitionCommand).callsFake(() => {
    if (state.location === undefined) throw notFound();
    return { Partition: { StorageDescriptor: { Location: state.location } } };
  });
  glue
    .on(UpdatePartitionCommand)
    .callsFake((input: { PartitionInput: { StorageDescriptor: { Location: string } } }) => {
      if (state.location === undefined) throw notFound();
      state.location = input.PartitionInput.StorageDescriptor.Location;
      return {};
    });
  glue
    .on(CreatePartitionCommand)
    .callsFake((input: { PartitionInput: { StorageDescriptor: { Location: string } } }) => {
      state.location = input.PartitionInput.StorageDescriptor.Location;
      return {};
    });
};

const succeed = (id: string) => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: id });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 7 } },
  });
};

describe('lake-compactor handler', () => {
  it('UNLOADs an hour into a run folder in the workgroup, registers its partition there, then moves it on a re-run', async () => {
    fakeS3AndGlue();
    succeed('q1');
    const [first] = await handler({ hour: '2026-11-21T09' });
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start?.WorkGroup).toBe('wg');
    expect(start?.QueryExecutionContext?.Database).toBe('db');
    expect(start?.QueryString).toContain(
      `TO 's3://lake-bucket/curated/telemetry/day=2026-11-21/hour=09/run=${first?.run}/'`,
    );
    const created = glue.commandCalls(CreatePartitionCommand)[0]?.args[0].input;
    expect(created?.TableName).toBe('telemetry');
    expect(created?.PartitionInput?.Values).toEqual(['2026-11-21', '09']);
    expect(created?.PartitionInput?.StorageDescriptor).toEqual({
      Columns: [{ Name: 'deviceid', Type: 'string' }],
      Location: `s3://lake-bucket/curated/telemetry/day=2026-11-21/hour=09/run=${first?.run}/`,
    });
    expect(first).toMatchObject({
      hour: '2026-11-21T09',
      winner: first?.run,
      queryExecutionId: 'q1',
      bytesScanned: 7,
    });
    const [second] = await handler({ hour: '2026-11-21T09' });
    expect(second?.run).not.toBe(first?.run);
    expect(state.location).toContain(`/run=${second?.run}/`);
    expect([...state.keys].every((k) => k.includes(`/run=${second?.run}/`))).toBe(true);
    expect(second?.deletedObjects).toBe(2);
  });

  it('reads the partition again when a concurrent run registered it first', async () => {
    fakeS3AndGlue();
    succeed('q3');
    let raced = false;
    glue
      .on(CreatePartitionCommand)
      .callsFake((input: { PartitionInput: { StorageDescriptor: { Location: string } } }) => {
        // Another run registers the hour (at this run's folder, as the newest complete run) just before this one does.
        state.location = input.PartitionInput.StorageDescriptor.Location;
        raced = true;
        throw new AlreadyExistsException({ message: 'exists', $metadata: {} });
      });
    const [result] = await handler({ hour: '2026-11-21T09' });
    expect(raced).toBe(true);
    expect(state.location).toContain(`/run=${result?.run}/`);
    expect(result?.winner).toBe(result?.run);
  });

  it('refuses a malformed hour and fails with Athena reason when the query fails', async () => {
    await expect(handler({ hour: 'yesterday' })).rejects.toThrow(/event.hour must be a UTC hour/);
    fakeS3AndGlue();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'HIVE_BAD_DATA' } } });
    await expect(handler({ hour: '2026-11-21T09' })).rejects.toThrow(/q2 FAILED: HIVE_BAD_DATA/);
    // A failed UNLOAD moves nothing: the hour keeps what it had.
    expect(glue.commandCalls(CreatePartitionCommand)).toHaveLength(0);
    expect(glue.commandCalls(UpdatePartitionCommand)).toHaveLength(0);
  });

  it('compacts the first and the late hour on a scheduled run', async () => {
    fakeS3AndGlue();
    succeed('q');
    const result = await handler({ time: '2026-11-21T10:05:00Z' });
    expect(result.map((r) => r.hour)).toEqual(['2026-11-21T09', '2026-11-21T07']);
  });
});
