/**
 * Lambda entry for the MSK event source mapping. Thin: wiring at cold start (module scope), then one call into the
 * processor per batch. Throwing makes Lambda retry the batch, which the processor's watermarks make safe.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MSKEvent } from 'aws-lambda';
import { METRICS_NAMESPACE, PROCESSOR_SERVICE } from '#core/processor-metrics.ts';
import { DynamoDbAlertsStore } from '../adapters/alerts-store.ts';
import { createFirehoseClient, FirehoseDeadLetterSink } from '../adapters/dead-letter-firehose.ts';
import { createDocumentClient } from '../adapters/dynamodb-client.ts';
import { createCounters } from '../adapters/dynamodb-counters.ts';
import { numberEnv, requireEnv } from '../adapters/env.ts';
import { powertoolsLogger, powertoolsMetrics } from '../adapters/processor-telemetry.ts';
import { DynamoDbRegistryCache } from '../adapters/registry-cache.ts';
import { DynamoDbRulesCache } from '../adapters/rules-cache.ts';
import { DynamoDbStateStore } from '../adapters/state-store.ts';
import { createStateProcessor } from './processor.ts';

const logger = new Logger({ serviceName: 'state-processor' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: PROCESSOR_SERVICE });
const client = createDocumentClient();
const counters = createCounters();
const log = powertoolsLogger(logger);

const processor = createStateProcessor({
  store: new DynamoDbStateStore(client, requireEnv('STATE_TABLE'), {}, counters),
  alerts: new DynamoDbAlertsStore(client, requireEnv('ALERTS_TABLE'), {}, counters),
  deadLetters: new FirehoseDeadLetterSink(createFirehoseClient(), requireEnv('DEAD_LETTER_STREAM')),
  rules: new DynamoDbRulesCache(client, requireEnv('RULES_TABLE'), {
    ttlSeconds: numberEnv('RULES_CACHE_SECONDS', 30),
    logger: log,
    counters,
  }),
  registry: new DynamoDbRegistryCache(client, requireEnv('REGISTRY_TABLE'), {
    ttlSeconds: numberEnv('REGISTRY_CACHE_SECONDS', 60),
    counters,
    logger: log,
  }),
  logger: log,
  metrics: powertoolsMetrics(metrics),
  windowRetentionDays: numberEnv('WINDOW_RETENTION_DAYS', 7),
  maxEventTimeSkewMs: numberEnv('MAX_EVENT_TIME_SKEW_SECONDS', 300) * 1000,
});

export const handler = async (event: MSKEvent): Promise<void> => {
  try {
    const summary = await processor.process(event);
    logger.info('batch processed', { ...summary, dynamodb: { ...counters } });
  } catch (error) {
    logger.error('batch failed; Lambda will retry it', error as Error);
    throw error;
  }
};
