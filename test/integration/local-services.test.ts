import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { DYNAMODB_LOCAL_DB_FILE, WAL_FORMAT } from '#scripts/local/services/dynamodb-wal.ts';
import { startLocalServices } from '#scripts/local/services/index.ts';
import { isPortOpen } from '#scripts/local/services/ports.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { localDynamoDb } from '#test/support/local-aws.ts';

const portOf = (address: string) => Number(address.split(':').pop());

describe('local services (Kafka KRaft + DynamoDB Local from Maven jars)', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('keeps topics, records and tables across a stop and restart on the same state folder, and frees its ports', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'fleetstream-restart-'));
    dirs.push(stateDir);

    const first = await startLocalServices({ stateDir });
    const kafka = new Kafka({ brokers: [first.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'persisted', numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'persisted', messages: [{ key: 'k', value: 'kept' }] });
    await producer.disconnect();
    const names = localTableNames('restart');
    await createTables(localDynamoDb(first.dynamodbEndpoint), names);
    await first.stop();
    expect(await isPortOpen(portOf(first.brokers))).toBe(false);
    expect(await isPortOpen(portOf(first.dynamodbEndpoint))).toBe(false);

    // DynamoDB Local kept its tables in a data file that is (still) in write-ahead-log mode.
    const header = await readFile(join(stateDir, 'dynamodb', 'data', DYNAMODB_LOCAL_DB_FILE));
    expect([header[18], header[19]]).toEqual([WAL_FORMAT, WAL_FORMAT]);

    const second = await startLocalServices({ stateDir });
    try {
      const tables = await localDynamoDb(second.dynamodbEndpoint).send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(expect.arrayContaining(Object.values(names)));
      const admin2 = new Kafka({ brokers: [second.brokers], logLevel: logLevel.NOTHING }).admin();
      await admin2.connect();
      const offsets = await admin2.fetchTopicOffsets('persisted');
      await admin2.disconnect();
      expect(offsets).toHaveLength(3);
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
