import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isRetryable, RetryableError, withBackoff } from '#adapters/backoff.ts';
import type { RegistryRow } from './registry-rows.ts';

const ROWS_PER_CALL = 25;

/**
 * Writes registry rows with BatchWriteItem, 25 per call, retrying unprocessed items with backoff
 * (rows replace rows with the same deviceId). Shared by `npm run registry:load` and `npm start`'s sample registry.
 */
export const writeRegistryRows = async (
  db: DynamoDBDocumentClient,
  table: string,
  rows: readonly RegistryRow[],
  onProgress: (written: number) => void = () => {},
): Promise<void> => {
  for (let i = 0; i < rows.length; i += ROWS_PER_CALL) {
    let pending = rows.slice(i, i + ROWS_PER_CALL).map((Item) => ({ PutRequest: { Item } }));
    await withBackoff(async () => {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      const unprocessed = out.UnprocessedItems?.[table] ?? [];
      if (unprocessed.length > 0) {
        pending = unprocessed as typeof pending;
        throw new RetryableError(`${unprocessed.length} rows unprocessed`);
      }
    }, isRetryable);
    onProgress(Math.min(i + ROWS_PER_CALL, rows.length));
  }
};
