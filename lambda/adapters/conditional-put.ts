/**
 * One conditional Put or UpdateItem, counted (requests, items, capacity, throttles) and retried with backoff on
 * throttling. A failed condition is an answer, not an error: it returns false and the caller decides what it means.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type BackoffOptions, isRetryable, withBackoff } from './backoff.ts';
import { addCapacity, type DynamoDbCounters } from './dynamodb-counters.ts';

type Send = (client: DynamoDBDocumentClient) => Promise<{ ConsumedCapacity?: ConsumedCapacity }>;

const conditionalWrite = (
  client: DynamoDBDocumentClient,
  send: Send,
  counters: DynamoDbCounters,
  backoff: BackoffOptions,
): Promise<boolean> =>
  withBackoff(
    async () => {
      counters.writeRequests += 1;
      try {
        const out = await send(client);
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

export const conditionalPut = (
  client: DynamoDBDocumentClient,
  input: Omit<PutCommandInput, 'ReturnConsumedCapacity'>,
  counters: DynamoDbCounters,
  backoff: BackoffOptions,
): Promise<boolean> =>
  conditionalWrite(
    client,
    (c) => c.send(new PutCommand({ ...input, ReturnConsumedCapacity: 'TOTAL' })),
    counters,
    backoff,
  );

export const conditionalUpdate = (
  client: DynamoDBDocumentClient,
  input: Omit<UpdateCommandInput, 'ReturnConsumedCapacity'>,
  counters: DynamoDbCounters,
  backoff: BackoffOptions,
): Promise<boolean> =>
  conditionalWrite(
    client,
    (c) => c.send(new UpdateCommand({ ...input, ReturnConsumedCapacity: 'TOTAL' })),
    counters,
    backoff,
  );
