/**
 * Lambda entry for the MSK event source mapping. Thin: wiring at cold start (module scope), then one call into the
 * processor per batch. Throwing makes Lambda retry the batch, which the processor's watermarks make safe.
 */
import type { MSKEvent } from 'aws-lambda';
import { DynamoDbAlertsStore } from '#adapters/alerts-store.ts';
import { createFirehoseClient, FirehoseDeadLetterSink } from '#adapters/dead-letter-firehose.ts';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { createCounters } from '#adapters/dynamodb-counters.ts';
import { numberEnv, requireEnv } from '#adapters/env.ts';
import { functionLogger, functionMetrics } from '#adapters/observability.ts';
import { DynamoDbPresenceStore } from '#adapters/presence-store.ts';
import { powertoolsMetrics } from '#adapters/processor-telemetry.ts';
import { DynamoDbRegistryCache } from '#adapters/registry-cache.ts';
import { DynamoDbRulesCache } from '#adapters/rules-cache.ts';
import { DynamoDbStateStore } from '#adapters/state-store.ts';
import {
  DEFAULT_REGISTRY_CACHE_SECONDS,
  DEFAULT_RULES_CACHE_SECONDS,
  DEFAULT_WINDOW_RETENTION_DAYS,
  ENV,
} from '#core/contract/index.ts';
import { DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE } from '#core/new-device-cap.ts';
import { PROCESSOR_SERVICE } from '#core/processor-metrics.ts';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS } from '#core/record.ts';
import { createStateProcessor } from './processor.ts';

const logger = functionLogger(PROCESSOR_SERVICE);
const metrics = functionMetrics(PROCESSOR_SERVICE);
const client = createDocumentClient();
const counters = createCounters();

const processor = createStateProcessor({
  store: new DynamoDbStateStore(client, requireEnv(ENV.stateTable), {}, counters),
  alerts: new DynamoDbAlertsStore(client, requireEnv(ENV.alertsTable), { counters }),
  presence: new DynamoDbPresenceStore(client, requireEnv(ENV.stateTable), { counters }),
  deadLetters: new FirehoseDeadLetterSink(createFirehoseClient(), requireEnv(ENV.deadLetterStream)),
  rules: new DynamoDbRulesCache(client, requireEnv(ENV.rulesTable), {
    ttlSeconds: numberEnv(ENV.rulesCacheSeconds, DEFAULT_RULES_CACHE_SECONDS),
    logger,
    counters,
  }),
  registry: new DynamoDbRegistryCache(client, requireEnv(ENV.registryTable), {
    ttlSeconds: numberEnv(ENV.registryCacheSeconds, DEFAULT_REGISTRY_CACHE_SECONDS),
    counters,
    logger,
  }),
  logger,
  metrics: powertoolsMetrics(metrics),
  windowRetentionDays: numberEnv(ENV.windowRetentionDays, DEFAULT_WINDOW_RETENTION_DAYS),
  maxEventTimeSkewMs: numberEnv(ENV.maxEventTimeSkewSeconds, DEFAULT_MAX_EVENT_TIME_SKEW_MS / 1000) * 1000,
  newDevicesPerPartitionMinute: numberEnv(
    ENV.newDevicesPerPartitionMinute,
    DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE,
  ),
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
