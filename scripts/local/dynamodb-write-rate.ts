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
  /** Most items to write. @default 2_000 */
  readonly items?: number;
  /** Stop starting new batches after this long, so a slow disk costs the pipeline little. @default 2_000 */
  readonly budgetMs?: number;
  /** @default 4 */
  readonly inFlight?: number;
  /** @default fleetstream-write-probe */
  readonly table?: string;
}

const BATCH = 25;

interface Plan {
  readonly table: string;
  readonly batches: number;
  readonly inFlight: number;
  readonly until: number;
}

/** Writes batches until the plan's count or deadline; returns the number of batches written. */
const writeBatches = async (client: DynamoDBClient, plan: Plan): Promise<number> => {
  const { table, batches, until } = plan;
  let next = 0;
  let written = 0;
  const payload = 'x'.repeat(200);
  const worker = async () => {
    for (let b = next++; b < batches && performance.now() < until; b = next++) {
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
      written++;
    }
  };
  await Promise.all(Array.from({ length: plan.inFlight }, worker));
  return written;
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
    const until = started + (options.budgetMs ?? 2_000);
    const written = await writeBatches(client, { table, batches, inFlight: options.inFlight ?? 4, until });
    return (written * BATCH) / ((performance.now() - started) / 1000);
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
  }
};
