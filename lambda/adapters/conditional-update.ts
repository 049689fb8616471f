/**
 * One conditional UpdateItem, counted (requests, items, capacity, throttles) and retried with backoff on throttling.
 * A failed condition is an answer, not an error: it returns false and the caller decides what it means.
 */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { type BackoffOptions, isRetryable, withBackoff } from './backoff.ts';
import { addCapacity, type DynamoDbCounters } from './dynamodb-counters.ts';

export const conditionalUpdate = (
  client: DynamoDBDocumentClient,
  input: Omit<UpdateCommandInput, 'ReturnConsumedCapacity'>,
  counters: DynamoDbCounters,
  backoff: BackoffOptions,
): Promise<boolean> =>
  withBackoff(
    async () => {
      counters.writeRequests += 1;
      try {
        const out = await client.send(new UpdateCommand({ ...input, ReturnConsumedCapacity: 'TOTAL' }));
        addCapacity(counters, 'write', out.ConsumedCapacity);
        counters.itemsWritten += 1;
        return true;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        return false;
      }
    },
    isRetryable,
    backoff,
    () => {
      counters.throttled += 1;
    },
  );
