/**
 * Scheduled entry of the silence sweep (docs/DATA_MODEL.md "Silence sweep"): one sweep per invocation, every minute
 * (EventBridge Scheduler or an Events rule; the event's content is ignored). Thin: wiring at cold start, then
 * sweepOnce. A throw lets the schedule's next run (or its retry) sweep again: every write is conditional.
 *
 * Environment (names from ENV, lambda/core/contract/env.ts):
 *   STATE_TABLE, ALERTS_TABLE, RULES_TABLE      tables
 *   BOOTSTRAP_BROKERS                           MSK Serverless SASL/IAM bootstrap brokers (port 9098)
 *   TOPIC_NAME                                  the telemetry topic
 *   CONSUMER_GROUP_ID                           the state processor's event source mapping ConsumerGroupId
 *   STALL_AFTER_SECONDS                         optional, default DEFAULT_STALL_AFTER_SECONDS (120)
 *   LAG_SETTLE_SECONDS                          optional, default DEFAULT_LAG_SETTLE_SECONDS (15); the function's
 *                                               timeout must exceed it plus the sweep (60 s is ample)
 *   RULES_CACHE_SECONDS                         optional, default DEFAULT_RULES_CACHE_SECONDS
 *   AWS_REGION                                  set by Lambda (IAM token signing)
 *
 * IAM (least privilege; the function runs in the cluster's VPC like the topic admin, with the managed
 * AWSLambdaVPCAccessExecutionRole or equivalent ENI permissions):
 *   dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query, dynamodb:PutItem   on the state table
 *     (GetItem: its cursor and lag items, strongly consistent; BatchGetItem: candidate devices, strongly consistent;
 *      Query: presence items `PRESENCE#…`; PutItem: its items and the marked device inside the transaction)
 *   dynamodb:PutItem, dynamodb:UpdateItem                                       on the alerts table
 *     (PutItem: silence and stall alerts, conditional; UpdateItem: resolving a stall alert)
 *   dynamodb:Scan                                                              on the rules table
 *   (TransactWriteItems needs no action of its own: it is authorized by the PutItem of each item it writes.)
 *   kafka-cluster:Connect          on the cluster ARN
 *   kafka-cluster:DescribeTopic    on the topic ARN   (ListOffsets for end offsets, metadata)
 *   kafka-cluster:DescribeGroup    on the processor's consumer group ARN (OffsetFetch of its committed offsets)
 *   No ReadData, no AlterGroup: the sweep reads offsets, never records, and never joins or moves the group.
 */
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { numberEnv, requireEnv } from '#adapters/env.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { KafkaLagSource } from '#adapters/kafka-lag.ts';
import { functionLog } from '#adapters/observability.ts';
import { DynamoDbRulesCache } from '#adapters/rules-cache.ts';
import { DynamoDbSweepStore } from '#adapters/sweep-store.ts';
import {
  DEFAULT_LAG_SETTLE_SECONDS,
  DEFAULT_RULES_CACHE_SECONDS,
  DEFAULT_STALL_AFTER_SECONDS,
  ENV,
} from '#core/contract/index.ts';
import { sweepOnce } from './sweep.ts';

const log = functionLog('silence-sweep');
const client = createDocumentClient();
const topic = requireEnv(ENV.topicName);
const groupId = requireEnv(ENV.consumerGroupId);
const kafka = createKafka(
  { mode: 'iam', brokers: requireEnv(ENV.bootstrapBrokers), region: requireEnv('AWS_REGION') },
  { clientId: 'fleetstream-silence-sweep' },
);

const deps = {
  store: new DynamoDbSweepStore(client, {
    state: requireEnv(ENV.stateTable),
    alerts: requireEnv(ENV.alertsTable),
  }),
  lag: new KafkaLagSource(kafka.admin(), { topic, groupId }),
  rules: new DynamoDbRulesCache(client, requireEnv(ENV.rulesTable), {
    ttlSeconds: numberEnv(ENV.rulesCacheSeconds, DEFAULT_RULES_CACHE_SECONDS),
    logger: log,
  }),
  log,
};
const options = {
  topic,
  groupId,
  stallAfterMs: numberEnv(ENV.stallAfterSeconds, DEFAULT_STALL_AFTER_SECONDS) * 1000,
  settleMs: numberEnv(ENV.lagSettleSeconds, DEFAULT_LAG_SETTLE_SECONDS) * 1000,
};

export const handler = async (): Promise<void> => {
  try {
    const summary = await sweepOnce(deps, options);
    log.info('silence sweep', { ...summary, dynamodb: { ...deps.store.counters } });
  } catch (error) {
    log.error('silence sweep failed; the next run sweeps again', { error: String(error) });
    throw error;
  }
};
