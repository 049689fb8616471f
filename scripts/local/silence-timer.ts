/**
 * The local runtime's stand-in for the silence sweep's schedule: the same sweep core as the Lambda (sweepOnce), run
 * every `periodMs` against DynamoDB Local and the local Kafka (the poller commits the processor's group offsets after
 * each batch, as Lambda's event source mapping does, so the stall guard reads the same thing). Runs never overlap
 * here (an overlapping run would be harmless: every write is conditional).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Kafka } from 'kafkajs';
import { KafkaLagSource } from '#adapters/kafka-lag.ts';
import { DynamoDbRulesCache } from '#adapters/rules-cache.ts';
import { DynamoDbSweepStore } from '#adapters/sweep-store.ts';
import { type Log, silentLog } from '#core/ports.ts';
import type { SweepSummary } from '#lambda/silence-sweep/sweep.ts';
import { sweepOnce } from '#lambda/silence-sweep/sweep.ts';
import type { SweepOptions } from '#lambda/silence-sweep/sweep-options.ts';

export interface SilenceTimerOptions {
  readonly db: DynamoDBDocumentClient;
  readonly kafka: Kafka;
  readonly tables: { readonly state: string; readonly alerts: string; readonly rules: string };
  readonly sweep: SweepOptions;
  readonly periodMs: number;
  readonly rulesCacheSeconds: number;
  readonly onSweep?: (summary: SweepSummary) => void;
  /** @default silent */
  readonly log?: Log;
  readonly onError?: (error: unknown) => void;
}

export interface SilenceTimer {
  stop(): Promise<void>;
}

export const startSilenceTimer = (options: SilenceTimerOptions): SilenceTimer => {
  const lag = new KafkaLagSource(options.kafka.admin(), {
    topic: options.sweep.topic,
    groupId: options.sweep.groupId,
  });
  const deps = {
    store: new DynamoDbSweepStore(options.db, options.tables),
    lag,
    rules: new DynamoDbRulesCache(options.db, options.tables.rules, {
      ttlSeconds: options.rulesCacheSeconds,
    }),
    log: options.log ?? silentLog,
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      const summary = await sweepOnce(deps, options.sweep);
      options.onSweep?.(summary);
    } catch (error) {
      options.onError?.(error);
    }
    if (!stopped) timer = setTimeout(tick, options.periodMs);
  };
  const tick = () => {
    running = run();
  };
  timer = setTimeout(tick, options.periodMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await lag.close();
    },
  };
};
