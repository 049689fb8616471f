import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { silentLog } from '#core/log.ts';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { RULE_LIMITS } from '#lambda/lookup-api/rule-document.ts';
import { VIP_RULE_DOCUMENT } from '#test/support/examples.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const api = createLookupApi(
  {
    db,
    tables: { state: 's', registry: 'r', rules: 'u', alerts: 'a', operator: 'o' },
    now: () => Date.UTC(2026, 0, 1),
  },
  silentLog,
);
const putVip = () => api(proxyEvent('PUT', '/rules/vip', null, JSON.stringify(VIP_RULE_DOCUMENT)));

/** The rules table's Scan answered in two pages of `first` and `second` rules, neither page in ruleId order. */
const rulesInTwoPages = (first: number, second: number) => {
  const rows = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...VIP_RULE_DOCUMENT,
      ruleId: `r${String(from + i).padStart(3, '0')}`,
    }));
  ddb
    .on(ScanCommand)
    .resolvesOnce({
      Items: rows(second, first).reverse(),
      Count: first,
      LastEvaluatedKey: { ruleId: 'page-1' },
    })
    .resolvesOnce({ Items: rows(0, second), Count: second });
};

describe('rules admin', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(PutCommand).resolves({});
  });

  it('GET /rules lists the rules of every Scan page, sorted by ruleId', async () => {
    rulesInTwoPages(2, 3);
    const result = await api(proxyEvent('GET', '/rules'));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).items.map((r: { ruleId: string }) => r.ruleId)).toEqual([
      'r000',
      'r001',
      'r002',
      'r003',
      'r004',
    ]);
    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(ddb).toHaveReceivedNthCommandWith(ScanCommand, 2, {
      TableName: 'u',
      ExclusiveStartKey: { ruleId: 'page-1' },
    });
  });

  it(`refuses a new rule when the rules over every Scan page reach ${RULE_LIMITS.maxRules}`, async () => {
    ddb.on(GetCommand).resolves({});
    rulesInTwoPages(RULE_LIMITS.maxRules - 40, 40);
    const result = await putVip();
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: `at most ${RULE_LIMITS.maxRules} rules; delete one before adding another`,
    });
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, { TableName: 'u', Select: 'COUNT' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('stores a new rule below the bound, and replaces an existing one at it without counting', async () => {
    ddb.on(GetCommand).resolves({});
    rulesInTwoPages(RULE_LIMITS.maxRules - 40, 39);
    expect((await putVip()).statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);

    ddb.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { ruleId: 'vip' } });
    expect((await putVip()).statusCode).toBe(200);
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
  });
});
