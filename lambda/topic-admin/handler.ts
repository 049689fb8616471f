import { requireEnv } from '#adapters/env.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { functionLog } from '#adapters/observability.ts';
import { createTopicAdmin } from './topic-resource.ts';

// Custom::KafkaTopic onEvent handler (cr.Provider): runs in the VPC, IAM-signed kafkajs admin against MSK Serverless.
const region = requireEnv('AWS_REGION');

export const handler = createTopicAdmin({
  admin: (brokers) =>
    createKafka({ mode: 'iam', brokers, region }, { clientId: 'fleetstream-topic-admin' }).admin(),
  log: functionLog('topic-admin'),
});
