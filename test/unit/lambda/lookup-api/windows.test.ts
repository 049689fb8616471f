import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

/**
 * A minute closing moves it from the device item's open window into a window item, in one transaction. A reader
 * whose device read and window query straddle that move must neither double nor drop the minute.
 */
const ddb = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const api = createLookupApi(
  {
    db,
    tables: { state: 's', registry: 'r', rules: 'u', alerts: 'a', operator: 'o' },
    now: () => Date.UTC(2026, 0, 1, 12, 5),
  },
  silentLog,
);

const stats = (count: number) => ({
  count,
  cpuSum: 10 * count,
  cpuMax: 10,
  memorySum: count,
  memoryMax: 1,
  downCount: 0,
});
const device = (start: string, count: number) => ({
  Item: { pk: 'DEVICE#d1', openWindow: { start, offsets: {}, ...stats(count) } },
});
const windowItem = (start: string, count: number) => ({
  pk: 'DEVICE#d1',
  sk: `WIN#${start}`,
  deviceId: 'd1',
  start,
  offsets: {},
  version: 1,
  expiresAt: 0,
  ...stats(count),
});
const request = proxyEvent('GET', '/devices/d1/windows', {
  from: ['2026-01-01T12:00:00Z'],
  to: ['2026-01-01T12:05:00Z'],
});

const counts = async () => {
  const result = await api(request);
  return { status: result.statusCode, body: JSON.parse(result.body) };
};

describe('GET /devices/{id}/windows while a minute closes', () => {
  beforeEach(() => ddb.reset());

  it('re-reads when the open minute moved between the device read and the window query (no doubled minute)', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce(device('2026-01-01T12:03Z', 4)) // before the close
      .resolvesOnce(device('2026-01-01T12:04Z', 1)) // after it: 12:03 is now a window item
      .resolves(device('2026-01-01T12:04Z', 1));
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [windowItem('2026-01-01T12:03Z', 5)] })
      .resolves({ Items: [windowItem('2026-01-01T12:03Z', 5)] });
    const { status, body } = await counts();
    expect(status).toBe(200);
    expect(body.windows.map((w: { start: string; count: number }) => [w.start, w.count])).toEqual([
      ['2026-01-01T12:03:00.000Z', 5],
      ['2026-01-01T12:04:00.000Z', 1],
    ]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
    for (const call of [...ddb.commandCalls(GetCommand), ...ddb.commandCalls(QueryCommand)])
      expect(call.args[0].input.ConsistentRead).toBe(true);
  });

  it('answers after one pass when nothing moved', async () => {
    ddb.on(GetCommand).resolves(device('2026-01-01T12:04Z', 2));
    ddb.on(QueryCommand).resolves({ Items: [windowItem('2026-01-01T12:03Z', 5)] });
    const { body } = await counts();
    expect(body.windows).toHaveLength(2);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('gives up with a 503 when the minute keeps moving', async () => {
    let minute = 0;
    ddb.on(GetCommand).callsFake(async () => device(`2026-01-01T12:0${minute++ % 10}Z`, 1));
    ddb.on(QueryCommand).resolves({ Items: [] });
    const { status, body } = await counts();
    expect(status).toBe(503);
    expect(body.error).toMatch(/retry$/);
  });

  it('answers 404 for an unknown device', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await counts()).status).toBe(404);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
