import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import {
  AlreadyExistsException,
  CreatePartitionCommand,
  EntityNotFoundException,
  GetPartitionCommand,
  GetTableCommand,
  GlueClient,
  type StorageDescriptor,
  UpdatePartitionCommand,
} from '@aws-sdk/client-glue';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FleetStreamError } from '#core/errors.ts';
import type { AthenaPort, CatalogPort, ObjectStorePort } from './compactor.ts';

/** The compactor's ports on the AWS SDK: Athena queries, S3 objects of the lake bucket, the curated Glue table. */

/** An Athena query ended FAILED or CANCELLED. */
export class AthenaQueryError extends FleetStreamError {
  override readonly name = 'AthenaQueryError';
}

const athena = new AthenaClient({});
const s3 = new S3Client({});
const glue = new GlueClient({});

export const athenaPort = (workGroup: string, database: string): AthenaPort => ({
  async run(sql) {
    const { QueryExecutionId: id } = await athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Database: database },
      }),
    );
    if (id === undefined) throw new AthenaQueryError('Athena started no query');
    for (;;) {
      const { QueryExecution: q } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = q?.Status?.State;
      if (state === 'SUCCEEDED')
        return { queryExecutionId: id, bytesScanned: q?.Statistics?.DataScannedInBytes ?? 0 };
      if (state === 'FAILED' || state === 'CANCELLED')
        throw new AthenaQueryError(`query ${id} ${state}: ${q?.Status?.StateChangeReason ?? 'no reason'}`);
      await sleep(2_000);
    }
  },
});

/** DeleteObjects takes at most this many keys. */
const DELETE_BATCH = 1_000;

export const storePort = (bucket: string): ObjectStorePort => ({
  async listKeys(prefix) {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  },
  async putEmpty(key) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '' }));
  },
  async deleteKeys(keys) {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key }));
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
    }
    return keys.length;
  },
});

/** The curated table's partitions: a partition takes the table's storage descriptor with its own location. */
export const catalogPort = (database: string, table: string): CatalogPort => {
  let descriptor: StorageDescriptor | undefined;
  const tableDescriptor = async (): Promise<StorageDescriptor> => {
    if (descriptor === undefined) {
      const { Table } = await glue.send(new GetTableCommand({ DatabaseName: database, Name: table }));
      descriptor = Table?.StorageDescriptor ?? {};
    }
    return descriptor;
  };
  return {
    async partitionLocation(values) {
      try {
        const { Partition } = await glue.send(
          new GetPartitionCommand({ DatabaseName: database, TableName: table, PartitionValues: [...values] }),
        );
        return Partition?.StorageDescriptor?.Location;
      } catch (error) {
        if (error instanceof EntityNotFoundException) return undefined;
        throw error;
      }
    },
    async setPartitionLocation(values, location) {
      const input = {
        Values: [...values],
        StorageDescriptor: { ...(await tableDescriptor()), Location: location },
      };
      const key = { DatabaseName: database, TableName: table };
      try {
        await glue.send(
          new UpdatePartitionCommand({ ...key, PartitionValueList: [...values], PartitionInput: input }),
        );
      } catch (error) {
        if (!(error instanceof EntityNotFoundException)) throw error;
        // First compaction of the hour. When a concurrent run registered it first (AlreadyExists), nothing is
        // written here: the caller's next settle round reads the partition again and moves it if it must.
        try {
          await glue.send(new CreatePartitionCommand({ ...key, PartitionInput: input }));
        } catch (raced) {
          if (!(raced instanceof AlreadyExistsException)) throw raced;
        }
      }
    },
  };
};
