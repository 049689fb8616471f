import { DynamoDBClient, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { THROTTLED_MESSAGE } from '#lambda/lookup-api/throttled.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const logged: string[] = [];
const api = createLookupApi(
  {
    db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    tables: { state: 's', registry: 'r', rules: 'u', alerts: 'a', operator: 'o' },
    now: () => 0,
  },
  { ...silentLog, error: (message: string) => logged.push(message) },
);

describe('a table at its on-demand maximum (guardrails.tables)', () => {
  beforeEach(() => {
    ddb.reset();
    logged.length = 0;
  });

  it('answers 503 with a reason to retry, not a 500', async () => {
    ddb
      .on(GetCommand)
      .rejects(new ThrottlingException({ message: 'Throughput exceeds the maximum', $metadata: {} }));
    const result = await api(proxyEvent('GET', '/devices/d1'));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: THROTTLED_MESSAGE });
  });

  it('still answers any other failure with a logged 500', async () => {
    ddb.on(GetCommand).rejects(new Error('boom'));
    expect((await api(proxyEvent('GET', '/devices/d1'))).statusCode).toBe(500);
    expect(logged).toEqual(['lookup-api request failed']);
  });
});
