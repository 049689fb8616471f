import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoDb } from '#test/support/local-aws.ts';

/** Every item of a DynamoDB Local table, page after page, read consistently (the processor has just written them). */
export const scanTable = async (endpoint: string, table: string): Promise<Record<string, unknown>[]> => {
  const client = DynamoDBDocumentClient.from(localDynamoDb(endpoint));
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** Every line the local dead-letter stream wrote under `<datalakeDir>/dead-letter/`, parsed. */
export const deadLetters = async (datalakeDir: string) => {
  const root = join(datalakeDir, 'dead-letter');
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  const texts = await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
  return texts.flatMap((text) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  );
};

/** Polls a synchronous condition every 50 ms; throws naming `what` once `timeoutMs` has passed. */
export const waitFor = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
