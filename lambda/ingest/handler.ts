import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { requireEnv } from '#adapters/env.ts';
import { dynamoIdempotencyStore } from '#adapters/idempotency-store.ts';
import { ingestProducer } from '#adapters/ingest-producer.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { functionLog } from '#adapters/observability.ts';
import { ENV } from '#core/contract/index.ts';
import { createIngestApi } from './app.ts';

// Clients once per container, at cold start; the producer connects on the first request (MSK Serverless, IAM-signed).
const kafka = createKafka(
  { mode: 'iam', brokers: requireEnv(ENV.bootstrapBrokers), region: requireEnv('AWS_REGION') },
  { clientId: 'fleetstream-ingest', requestTimeout: 10_000 },
);
const producer = ingestProducer(kafka, requireEnv(ENV.topicName));

export const handler = createIngestApi({
  produce: producer.produce,
  idempotency: dynamoIdempotencyStore(createDocumentClient(), requireEnv(ENV.idempotencyTable)),
  now: Date.now,
  log: functionLog('ingest'),
});
