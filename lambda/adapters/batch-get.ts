/** BatchGetItem over any number of keys: 100 keys per call, UnprocessedKeys retried with backoff. */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimit } from '#core/concurrency.ts';
import { DYNAMODB_LIMITS } from '#core/contract/index.ts';
import { type BackoffOptions, isRetryable, RetryableError, withBackoff } from './backoff.ts';
import type { DynamoDbCounters } from './dynamodb-counters.ts';
import { addCapacity } from './dynamodb-counters.ts';

const KEYS_PER_CALL = DYNAMODB_LIMITS.batchGetKeys;

export interface BatchGetOptions {
  consistentRead: boolean;
  counters: DynamoDbCounters;
  backoff?: BackoffOptions;
  /** Calls in flight at once. @default 4 */
  concurrency?: number;
}

export const batchGetAll = async (
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions,
): Promise<Record<string, unknown>[]> => {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_CALL) chunks.push(keys.slice(i, i + KEYS_PER_CALL));
  const found: Record<string, unknown>[] = [];
  const { counters } = options;
  await forEachLimit(chunks, options.concurrency ?? 4, async (chunk) => {
    let pending: Record<string, unknown>[] = chunk;
    await withBackoff(
      async () => {
        counters.readRequests += 1;
        const out = await client.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistentRead } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        addCapacity(counters, 'read', out.ConsumedCapacity);
        const items = out.Responses?.[table] ?? [];
        counters.itemsRead += items.length;
        found.push(...items);
        pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
        if (pending.length > 0) throw new RetryableError(`${pending.length} unprocessed keys from ${table}`);
      },
      isRetryable,
      options.backoff,
      () => {
        counters.throttled += 1;
      },
    );
  });
  return found;
};
