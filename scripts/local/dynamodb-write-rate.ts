/**
 * DynamoDB Local's write rate on this machine, measured once: the usual ceiling of the local runtime (every record
 * becomes item writes through it). A scratch table gets `items` small items in BatchWriteItem calls of 25, a few in
 * flight as the processor sends them; the table is deleted afterwards.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export interface WriteRateOptions {
  /** @default 2_000 */
  readonly items?: number;
  /** @default 4 */
  readonly inFlight?: number;
  /** @default fleetstream-write-probe */
  readonly table?: string;
}

const BATCH = 25;

const writeBatches = async (client: DynamoDBClient, table: string, batches: number, inFlight: number) => {
  let next = 0;
  const payload = 'x'.repeat(200);
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const requests = Array.from({ length: BATCH }, (_, i) => ({
        PutRequest: { Item: { pk: { S: `probe#${b}#${i}` }, data: { S: payload } } },
      }));
      let unprocessed: typeof requests | undefined = requests;
      while (unprocessed !== undefined && unprocessed.length > 0) {
        const result = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: unprocessed } }),
        );
        unprocessed = result.UnprocessedItems?.[table] as typeof requests | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
};

/** Item writes per second DynamoDB Local took. */
export const measureDynamoDbWriteRate = async (client: DynamoDBClient, options: WriteRateOptions = {}) => {
  const table = options.table ?? 'fleetstream-write-probe';
  const batches = Math.ceil((options.items ?? 2_000) / BATCH);
  // A run stopped mid-measurement may have left the table behind.
  await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  try {
    const started = performance.now();
    await writeBatches(client, table, batches, options.inFlight ?? 4);
    return (batches * BATCH) / ((performance.now() - started) / 1000);
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
  }
};
