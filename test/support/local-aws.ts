import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A raw DynamoDB client for DynamoDB Local (tests only: fixed dummy credentials). */
export const localDynamoDb = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** A prefix no other test file uses, for topic and table names. */
export const uniquePrefix = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;
