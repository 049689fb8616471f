/** Request and capacity counters for DynamoDB calls (ReturnConsumedCapacity TOTAL), read by benchmarks and logs. */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

export interface DynamoDbCounters {
  readRequests: number;
  writeRequests: number;
  itemsRead: number;
  itemsWritten: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  throttled: number;
  conditionalFailures: number;
}

export const createCounters = (): DynamoDbCounters => ({
  readRequests: 0,
  writeRequests: 0,
  itemsRead: 0,
  itemsWritten: 0,
  readCapacityUnits: 0,
  writeCapacityUnits: 0,
  throttled: 0,
  conditionalFailures: 0,
});

export const addCapacity = (
  counters: DynamoDbCounters,
  kind: 'read' | 'write',
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
): void => {
  const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  const units = list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  if (kind === 'read') counters.readCapacityUnits += units;
  else counters.writeCapacityUnits += units;
};
