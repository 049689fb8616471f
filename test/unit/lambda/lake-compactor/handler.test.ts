import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '#core/contract/env.ts';
import { handler } from '#lambda/lake-compactor/handler.ts';

/** The compactor's handler against mocked Athena and S3: a manual hour, pagination of the delete, a failed query. */

const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  athena.reset();
  s3.reset();
  process.env[ENV.lakeBucket] = 'lake-bucket';
  process.env[ENV.athenaWorkGroup] = 'wg';
  process.env[ENV.glueDatabase] = 'db';
  process.env[ENV.compactionLateHours] = '2';
});

describe('lake-compactor handler', () => {
  it('compacts the hour it is given: deletes every page of the old hour, then UNLOADs in the workgroup', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'curated/telemetry/day=2026-11-21/hour=09/a' }] })
      .resolvesOnce({ Contents: [{ Key: 'curated/telemetry/day=2026-11-21/hour=09/b' }] })
      .resolves({ Contents: [] });
    s3.on(DeleteObjectsCommand).resolves({});
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 7 } },
    });
    const result = await handler({ hour: '2026-11-21T09' });
    expect(result).toEqual([
      { hour: '2026-11-21T09', deletedObjects: 2, queryExecutionId: 'q1', bytesScanned: 7 },
    ]);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(2);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start?.WorkGroup).toBe('wg');
    expect(start?.QueryExecutionContext?.Database).toBe('db');
    expect(start?.QueryString).toMatch(/^UNLOAD \(/);
  });

  it('refuses a malformed hour and fails with Athena reason when the query fails', async () => {
    await expect(handler({ hour: 'yesterday' })).rejects.toThrow(/event.hour must be a UTC hour/);
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'HIVE_BAD_DATA' } } });
    await expect(handler({ hour: '2026-11-21T09' })).rejects.toThrow(/q2 FAILED: HIVE_BAD_DATA/);
  });

  it('compacts the first and the late hour on a scheduled run', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const result = await handler({ time: '2026-11-21T10:05:00Z' });
    expect(result.map((r) => r.hour)).toEqual(['2026-11-21T09', '2026-11-21T07']);
  });
});
