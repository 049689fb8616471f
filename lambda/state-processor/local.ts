/**
 * The state processor wired to local services: DynamoDB Local for state, rules, registry and alerts, and the
 * local data lake folder for dead-letters. Silent by default (the local runtime owns the terminal).
 * Exposes DynamoDB request/capacity counters and metric totals for benchmarks.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { DynamoDbAlertsStore } from '#adapters/alerts-store.ts';
import type { BackoffOptions } from '#adapters/backoff.ts';
import { FileDeadLetterSink } from '#adapters/dead-letter-file.ts';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { createCounters, type DynamoDbCounters } from '#adapters/dynamodb-counters.ts';
import { numberEnv } from '#adapters/env.ts';
import { DynamoDbPresenceStore } from '#adapters/presence-store.ts';
import { TotalsMetrics } from '#adapters/processor-telemetry.ts';
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
import { type Log, type StateStore, silentLog } from '#core/ports.ts';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS } from '#core/record.ts';
import { type BatchSummary, createStateProcessor } from './processor.ts';

export interface LocalStateProcessorOptions {
  dynamodbEndpoint: string;
  tables: {
    readonly state: string;
    readonly registry: string;
    readonly rules: string;
    readonly alerts: string;
  };
  /** Root of the local lake; dead-letters go under `<datalakeDir>/dead-letter/`. */
  datalakeDir: string;
  /** @default silent */
  logger?: Log;
  /** A prepared client (e.g. with test middleware); @default one for dynamodbEndpoint */
  client?: DynamoDBDocumentClient;
  /** Wraps the state store (fault injection in tests). */
  wrapStore?: (store: StateStore) => StateStore;
  rulesCacheSeconds?: number;
  registryCacheSeconds?: number;
  windowRetentionDays?: number;
  backoff?: BackoffOptions;
  clock?: () => number;
  /** Clock-skew margin for event_time. @default $MAX_EVENT_TIME_SKEW_SECONDS, else DEFAULT_MAX_EVENT_TIME_SKEW_MS (5 minutes) */
  maxEventTimeSkewSeconds?: number;
  /** New-device cap per partition-minute. @default $NEW_DEVICES_PER_PARTITION_MINUTE, else 1,000 */
  newDevicesPerPartitionMinute?: number;
}

export interface LocalStateProcessor {
  /** Lambda-shaped entry: resolves on success, throws on persistent failure. */
  handler(event: MSKEvent): Promise<void>;
  process(event: unknown): Promise<BatchSummary>;
  readonly counters: DynamoDbCounters;
  readonly metrics: TotalsMetrics;
}

export const createLocalStateProcessor = (options: LocalStateProcessorOptions): LocalStateProcessor => {
  const client = options.client ?? createDocumentClient(options.dynamodbEndpoint);
  const counters = createCounters();
  const metrics = new TotalsMetrics();
  const logger = options.logger ?? silentLog;
  const store = new DynamoDbStateStore(client, options.tables.state, options.backoff, counters);
  const processor = createStateProcessor({
    store: options.wrapStore ? options.wrapStore(store) : store,
    alerts: new DynamoDbAlertsStore(client, options.tables.alerts, { backoff: options.backoff, counters }),
    presence: new DynamoDbPresenceStore(client, options.tables.state, { backoff: options.backoff, counters }),
    deadLetters: new FileDeadLetterSink(options.datalakeDir),
    rules: new DynamoDbRulesCache(client, options.tables.rules, {
      ttlSeconds: options.rulesCacheSeconds ?? DEFAULT_RULES_CACHE_SECONDS,
      logger,
      counters,
      backoff: options.backoff,
    }),
    registry: new DynamoDbRegistryCache(client, options.tables.registry, {
      ttlSeconds: options.registryCacheSeconds ?? DEFAULT_REGISTRY_CACHE_SECONDS,
      counters,
      backoff: options.backoff,
      logger,
    }),
    logger,
    metrics,
    windowRetentionDays: options.windowRetentionDays ?? DEFAULT_WINDOW_RETENTION_DAYS,
    ...(options.clock ? { clock: options.clock } : {}),
    maxEventTimeSkewMs:
      (options.maxEventTimeSkewSeconds ??
        numberEnv(ENV.maxEventTimeSkewSeconds, DEFAULT_MAX_EVENT_TIME_SKEW_MS / 1000)) * 1000,
    newDevicesPerPartitionMinute:
      options.newDevicesPerPartitionMinute ??
      numberEnv(ENV.newDevicesPerPartitionMinute, DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE),
  });
  return {
    handler: async (event) => {
      await processor.process(event);
    },
    process: processor.process,
    counters,
    metrics,
  };
};
