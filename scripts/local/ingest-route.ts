/**
 * `POST /ingest` on the local API server: the ingest app (lambda/ingest/app.ts, as the deployed handler runs it) with a
 * plaintext producer to the local Kafka and its idempotency table in DynamoDB Local. `withIngestRoute` is the one hook
 * the local API server needs: /ingest goes here, every other path to the lookup API.
 */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { dynamoIdempotencyStore } from '#adapters/idempotency-store.ts';
import { ingestProducer } from '#adapters/ingest-producer.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { IDEMPOTENCY_TABLE, INGEST_PATH } from '#core/contract/index.ts';
import { type Log, silentLog } from '#core/log.ts';
import { createIngestApi } from '#lambda/ingest/app.ts';
import type { ProxyHandler } from '#scripts/shared/api-gateway-http.ts';
import { tableDefinition } from './tables.ts';

export interface LocalIngestOptions {
  readonly brokers: string;
  readonly topic: string;
  readonly dynamodbEndpoint: string;
  /** @default 'fleetstream-idempotency' */
  readonly table?: string;
  /** Where failed batches are reported. @default console.error */
  /** @default errors to stderr */
  readonly log?: Log;
}

export interface LocalIngest {
  readonly handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  stop(): Promise<void>;
}

const ensureTable = async (endpoint: string, name: string): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new CreateTableCommand(tableDefinition(name, IDEMPOTENCY_TABLE)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
};

export const startLocalIngest = async (options: LocalIngestOptions): Promise<LocalIngest> => {
  const table = options.table ?? 'fleetstream-idempotency';
  await ensureTable(options.dynamodbEndpoint, table);
  const kafka = createKafka({ mode: 'local', brokers: options.brokers }, { clientId: 'fleetstream-ingest' });
  const producer = ingestProducer(kafka, options.topic);
  const handler = createIngestApi({
    produce: producer.produce,
    idempotency: dynamoIdempotencyStore(createDocumentClient(options.dynamodbEndpoint), table),
    now: Date.now,
    log: options.log ?? { ...silentLog, error: (message, details) => console.error(message, details) },
  });
  return { handler, stop: () => producer.disconnect() };
};

/** Routes `/ingest` to the ingest handler and every other path to `other` (as API Gateway's explicit resource does). */
export const withIngestRoute =
  (ingest: ProxyHandler, other: ProxyHandler): ProxyHandler =>
  (event) =>
    event.path === INGEST_PATH ? ingest(event) : other(event);
