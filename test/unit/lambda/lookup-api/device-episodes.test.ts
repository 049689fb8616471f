import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { deviceKey } from '#core/items/keys.ts';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

// GET /devices/{id} reads each open episode's alert by key with a Query (the API's role may only Query the alerts
// table), and the recent alerts only for firing rules of a device item written before episodes.

const ddb = mockClient(DynamoDBDocumentClient);
const api = createLookupApi(
  {
    db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    tables: { state: 's', registry: 'r', rules: 'u', alerts: 'a', operator: 'o' },
    now: () => 0,
  },
  silentLog,
);
const device = (over: Record<string, unknown>) => ({
  ...deviceKey('d1'),
  deviceId: 'd1',
  model: 'EVG2000',
  interface: 'eth0',
  status: 'down',
  cpuUsage: 1,
  memoryUsage: 1,
  eventTime: '2026-11-21T10:00:00.000Z',
  firstSeen: '2026-11-21T10:00:00.000Z',
  lastSeen: '2026-11-21T10:00:00.000Z',
  recordCount: 1,
  downCount: 1,
  cpuMin: 1,
  cpuMax: 1,
  cpuSum: 1,
  memoryMin: 1,
  memoryMax: 1,
  memorySum: 1,
  interfaces: ['eth0'],
  offsets: {},
  version: 1,
  ...over,
});
const alert = (ruleId: string, alertKey: string) => ({
  deviceId: 'd1',
  alertKey,
  alertId: alertKey.split('#')[1],
  ruleId,
  severity: 'critical',
  message: `${ruleId} fired`,
  at: alertKey.split('#')[0],
});

describe('GET /devices/{id}: active episodes', () => {
  beforeEach(() => ddb.reset());

  it('queries each open episode by key, and no recent page when every firing rule has one', async () => {
    const key = '2026-11-21T09:59:00.000Z#a1';
    ddb
      .on(GetCommand, { TableName: 's' })
      .resolves({ Item: device({ firing: ['down'], openAlerts: { down: key } }) });
    ddb.on(GetCommand, { TableName: 'r' }).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [alert('down', key)] });
    const reply = await api(proxyEvent('GET', '/devices/d1'));
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body).activeAlerts).toEqual([
      {
        ruleId: 'down',
        severity: 'critical',
        alertId: 'a1',
        message: 'down fired',
        at: '2026-11-21T09:59:00.000Z',
      },
    ]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'a',
      KeyConditionExpression: 'deviceId = :d AND alertKey = :k',
      ExpressionAttributeValues: { ':d': 'd1', ':k': key },
    });
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });

  it('reads the recent alerts for a firing rule without an open episode (an item written before episodes)', async () => {
    ddb.on(GetCommand, { TableName: 's' }).resolves({ Item: device({ firing: ['down'] }) });
    ddb.on(GetCommand, { TableName: 'r' }).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [alert('down', '2026-11-21T09:00:00.000Z#old')] });
    const reply = await api(proxyEvent('GET', '/devices/d1'));
    expect(JSON.parse(reply.body).activeAlerts).toMatchObject([{ ruleId: 'down', alertId: 'old' }]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'deviceId = :d',
      Limit: 100,
    });
  });
});
