import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { toMskEvent } from '#test/support/msk-event.ts';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNaiveProcessor } from '#lambda/naive-processor/processor.ts';
import { telemetryValue } from '#test/support/telemetry-records.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(doc);

const record = (deviceid: string, second: number, status = 'connected') =>
  telemetryValue({
    deviceid,
    interfacestatus: status,
    cpuusage: 10 + second,
    memoryusage: 100,
    event_time: `2026-11-21T10:00:${String(second).padStart(2, '0')}.000Z`,
  });

describe('naive processor (one PutItem per record)', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(PutCommand).resolves({});
  });

  it('writes every valid record of every partition, one PutItem each', async () => {
    const event = toMskEvent([
      { topic: 't', partition: 0, offset: 0, value: record('a', 1) },
      { topic: 't', partition: 3, offset: 7, value: record('b', 2) },
      { topic: 't', partition: 5, offset: 9, value: record('a', 3, 'down') },
    ]);
    const summary = await createNaiveProcessor({ db: doc, table: 'naive' }).process(event);
    expect(summary).toEqual({ records: 3, valid: 3, invalid: 0, itemWrites: 3 });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 3);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'naive',
      Item: expect.objectContaining({
        pk: 'DEVICE#b',
        sk: 'STATE',
        deviceId: 'b',
        status: 'connected',
        lastSeen: '2026-11-21T10:00:02.000Z',
      }),
    });
  });

  it("keeps one device's records in offset order even with concurrency", async () => {
    const event = toMskEvent(
      Array.from({ length: 20 }, (_, i) => ({ topic: 't', partition: 0, offset: i, value: record('a', i) })),
    );
    await createNaiveProcessor({ db: doc, table: 'naive', concurrency: 8 }).process(event);
    const times = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.eventTime);
    expect(times).toEqual([...times].sort());
    expect(times.at(-1)).toBe('2026-11-21T10:00:19.000Z');
  });

  it('skips invalid records and counts them', async () => {
    const event = toMskEvent([
      { topic: 't', partition: 0, offset: 0, value: Buffer.from('{not json') },
      { topic: 't', partition: 0, offset: 1, value: record('a', 1) },
    ]);
    const summary = await createNaiveProcessor({ db: doc, table: 'naive' }).process(event);
    expect(summary).toMatchObject({ invalid: 1, itemWrites: 1 });
  });

  it('fails the batch when DynamoDB fails (Lambda would retry it)', async () => {
    ddb.on(PutCommand).rejects(new Error('throttled'));
    const event = toMskEvent([{ topic: 't', partition: 0, offset: 0, value: record('a', 1) }]);
    await expect(createNaiveProcessor({ db: doc, table: 'naive' }).process(event)).rejects.toThrow(
      'throttled',
    );
  });

  it('rejects a bad concurrency', () => {
    expect(() => createNaiveProcessor({ db: doc, table: 'naive', concurrency: 0 })).toThrow(/concurrency/);
  });
});
