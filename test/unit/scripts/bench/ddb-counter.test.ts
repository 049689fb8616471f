import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  capacityUnits,
  countDynamoDb,
  emptyCounts,
  itemsRead,
  itemsWritten,
  tally,
} from '#scripts/bench/ddb-counter.ts';

describe('item-level counting', () => {
  it('counts batch writes per item, less the unprocessed ones', () => {
    const input = { RequestItems: { t: [{}, {}, {}], u: [{}] } };
    expect(itemsWritten('BatchWriteItemCommand', input, { UnprocessedItems: { t: [{}] } })).toBe(3);
    expect(itemsWritten('TransactWriteItemsCommand', { TransactItems: [{}, {}] }, {})).toBe(2);
    expect(itemsWritten('PutItemCommand', {}, {})).toBe(1);
  });
  it('counts batch reads per key, query/scan by items returned', () => {
    const input = { RequestItems: { t: { Keys: [{}, {}, {}] } } };
    expect(itemsRead('BatchGetItemCommand', input, { UnprocessedKeys: { t: { Keys: [{}] } } })).toBe(2);
    expect(itemsRead('QueryCommand', {}, { Count: 7 })).toBe(7);
    expect(itemsRead('GetItemCommand', {}, {})).toBe(1);
  });
  it('sums consumed capacity from one or many entries', () => {
    expect(capacityUnits({ CapacityUnits: 2 })).toBe(2);
    expect(capacityUnits([{ CapacityUnits: 2 }, { CapacityUnits: 4.5 }, {}])).toBe(6.5);
    expect(capacityUnits(undefined)).toBe(0);
  });
  it('tallies a failed conditional write as a billed write', () => {
    const counts = emptyCounts();
    tally(counts, 'PutItemCommand', { Item: { pk: { S: 'a' } } }, undefined);
    tally(counts, 'DescribeTableCommand', {}, {});
    expect(counts).toMatchObject({ writeCalls: 1, itemWrites: 1, wcu: 1, otherCalls: 1 });
  });
  it('bills what DynamoDB Local under-reports: transactions at 2 units per KB', () => {
    const counts = emptyCounts();
    const small = { pk: { S: 'a' } };
    const large = { pk: { S: 'b' }, blob: { S: 'x'.repeat(1500) } };
    const transaction = { TransactItems: [{ Put: { Item: small } }, { Put: { Item: large } }] };
    tally(counts, 'TransactWriteItemsCommand', transaction, { ConsumedCapacity: [{ CapacityUnits: 2 }] });
    expect(counts.wcu).toBe(2 * 1 + 2 * 2);
    tally(counts, 'PutItemCommand', { Item: small }, { ConsumedCapacity: { CapacityUnits: 3 } });
    expect(counts.wcu).toBe(6 + 3); // Local's report wins when it is higher (index writes)
  });
});

/** A DynamoDB client whose HTTP layer answers from memory: the middleware runs for real, nothing touches a network. */
const fakeClient = (answer: (target: string, body: Record<string, unknown>) => Record<string, unknown>) => {
  const seen: Record<string, unknown>[] = [];
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: string | Uint8Array }) => {
        const raw = request.body ?? '{}';
        const body = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)) as Record<
          string,
          unknown
        >;
        seen.push(body);
        const target = (request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        const payload = JSON.stringify(answer(target, body));
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: new Blob([payload]).stream(),
          },
        };
      },
    } as never,
  });
  return { client, seen };
};

describe('countDynamoDb middleware', () => {
  it('asks for consumed capacity and counts what a document client does', async () => {
    const { client, seen } = fakeClient((target) =>
      target === 'PutItem'
        ? { ConsumedCapacity: { TableName: 't', CapacityUnits: 2 } }
        : { Item: { pk: { S: 'a' } }, ConsumedCapacity: { CapacityUnits: 0.5 } },
    );
    const doc = DynamoDBDocumentClient.from(client);
    const counter = countDynamoDb(doc);
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a' } }));
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'b' } }));
    await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));
    expect(seen.every((body) => body.ReturnConsumedCapacity === 'TOTAL')).toBe(true);
    expect(counter.counts()).toMatchObject({
      writeCalls: 2,
      itemWrites: 2,
      wcu: 4,
      readCalls: 1,
      itemReads: 1,
      rcu: 0.5,
    });
    counter.reset();
    expect(counter.counts().itemWrites).toBe(0);
  });
  it('leaves an explicit ReturnConsumedCapacity alone', async () => {
    const { client, seen } = fakeClient(() => ({}));
    countDynamoDb(client);
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a' }, ReturnConsumedCapacity: 'INDEXES' }));
    expect(seen[0]?.ReturnConsumedCapacity).toBe('INDEXES');
  });
  it('sees a document client item marshalled: its size and kind, as AWS bills them', async () => {
    const { client } = fakeClient(() => ({}));
    const counter = countDynamoDb(client);
    const doc = DynamoDBDocumentClient.from(client);
    // 1.5 KB: 2 write units; counted before marshalling, a plain string would look like 1 byte.
    await doc.send(
      new PutCommand({ TableName: 't', Item: { pk: 'DEVICE#a', sk: 'STATE', blob: 'x'.repeat(1500) } }),
    );
    expect(counter.counts().wcu).toBe(2);
    expect(counter.split().wcu.device).toBe(2);
    expect(counter.split().writtenBytes.device[0]).toBeGreaterThan(1500);
    // A new device also writes its two GSI entries: AWS bills them, DynamoDB Local does not report them.
    await doc.send(
      new PutCommand({
        TableName: 't',
        Item: { pk: 'DEVICE#b', sk: 'STATE', status: 'up' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    expect(counter.counts().wcu).toBe(2 + 1 + 2);
  });
});
