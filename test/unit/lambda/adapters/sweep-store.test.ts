import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbSweepStore } from '#adapters/sweep-store.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const awsError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: {}, ...extra });
const cancelled = (...codes: string[]) =>
  awsError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });
const store = () =>
  new DynamoDbSweepStore(
    client,
    { state: 'state', alerts: 'alerts' },
    { sleep: async () => {}, attempts: 3 },
  );
const device = { pk: 'DEVICE#d1', sk: 'STATE', deviceId: 'd1', version: 4 } as DeviceItem;
const alert = { deviceId: 'd1', alertKey: 'k' } as AlertItem;

beforeEach(() => ddb.reset());

describe('DynamoDbSweepStore', () => {
  it('marks the device and puts the alert in one transaction, each conditional', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store().fire(device, 3, alert)).toBe('fired');
    const input = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(input?.TransactItems?.[0]?.Put).toMatchObject({
      TableName: 'state',
      ConditionExpression: '#version = :version',
      ExpressionAttributeValues: { ':version': 3 },
    });
    expect(input?.TransactItems?.[1]?.Put).toMatchObject({
      TableName: 'alerts',
      ConditionExpression: 'attribute_not_exists(alertKey)',
    });
  });

  it('tells a changed device from an alert already stored, and retries throttling', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store().fire(device, 3, alert)).toBe('device-changed');
    ddb.reset();
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed'));
    expect(await store().fire(device, 3, alert)).toBe('alert-exists');
    ddb.reset();
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ThrottlingError', 'None')).resolves({});
    expect(await store().fire(device, 3, alert)).toBe('fired');
  });

  it('reads every chunk of a presence slot for one topic, page by page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ ids: new Set(['a', 'b']) }], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
      .resolvesOnce({ Items: [{ ids: new Set(['c']) }] });
    expect((await store().presence('2026-11-21T10:00:30Z', 2, 'modem-telemetry')).sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': 'PRESENCE#2026-11-21T10:00:30Z#2', ':topic': 'modem-telemetry#' },
    });
  });

  it('reads its own items strongly consistent, and resolves a firing alert once', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'SWEEP', sk: 'LAG#t', version: 2 } });
    expect(await store().readItem({ pk: 'SWEEP', sk: 'LAG#t' })).toEqual({
      pk: 'SWEEP',
      sk: 'LAG#t',
      version: 2,
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
    ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException'));
    await expect(store().resolveAlert(alert, '2026-11-21T10:05:00Z')).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_exists(alertKey) AND #state = :firing',
    });
  });
});
