/**
 * The state processor, independent of where it runs: parse the MSK event, quarantine bad records, join the
 * registry, plan the batch and write it. Built from injected ports so Lambda, the local runtime, benchmarks and
 * tests share it. Throws when a failure persists, so Lambda retries the whole batch (which is safe: see write-plan).
 */
import type { BackoffOptions } from '#adapters/backoff.ts';
import { createPlanner, groupBatch, keysToRead, type StateItem, windowKeysToRead } from '#core/batch.ts';
import { decodeBatch } from '#core/dead-letter.ts';
import { MskEventError, parseMskEvent } from '#core/msk-event.ts';
import type {
  AlertSink,
  DeadLetterSink,
  ProcessorLogger,
  ProcessorMetrics,
  RegistrySource,
  RulesSource,
  StateStore,
} from '#core/ports.ts';
import { rewoundPartitions } from '#core/rewound.ts';
import { clusterIdOf, sourceOf } from '#core/watermark.ts';
import { planWithCurrentAlerting } from './current-alerting.ts';
import { capNewDeviceRecords } from './new-device-cap-step.ts';
import { writePlan } from './write-plan.ts';

export interface StateProcessorDeps {
  store: StateStore;
  alerts: AlertSink;
  deadLetters: DeadLetterSink;
  rules: RulesSource;
  registry: RegistrySource;
  logger: ProcessorLogger;
  metrics: ProcessorMetrics;
  /**
   * Epoch ms; injectable for tests. Decides nothing: it stamps dead-letters' `at` and measures lag (every accept or
   * reject is a function of the record and the configuration only, docs/DATA_MODEL.md "Deterministic decisions").
   */
  clock?: () => number;
  /** @default 7 */
  windowRetentionDays?: number;
  /** Writes in flight at once. @default 16 */
  writeConcurrency?: number;
  /** Conditional-write attempts per item. @default 8 */
  maxWriteAttempts?: number;
  /** How far (ms) an event_time may be ahead of its Kafka timestamp before it is dead-lettered. @default 5 minutes */
  maxEventTimeSkewMs?: number;
  /**
   * New devices admitted per source partition per minute of Kafka timestamp; the records of devices over it are
   * dead-lettered (core/new-device-cap.ts). @default 1,000
   */
  newDevicesPerPartitionMinute?: number;
  /** Attempts per fleet-devices shard transaction lost to another invocation (see write-plan). @default 100 */
  maxShardAttempts?: number;
  /** Backoff between those attempts (tests inject `sleep`). @default 10 ms base, 1 s cap, full jitter */
  shardBackoff?: BackoffOptions;
}

export interface BatchSummary {
  records: number;
  valid: number;
  invalid: number;
  devices: number;
  itemWrites: number;
  transactions: number;
  conflicts: number;
  shardConflicts: number;
  alerts: number;
  lagMs: number;
}

export interface StateProcessor {
  process(event: unknown): Promise<BatchSummary>;
}

/**
 * The incarnation of the batch's topic: the cluster id in the event's eventSourceArn (Lambda: the MSK cluster UUID;
 * locally: the Kafka cluster id) + the topic. Watermarks are kept per incarnation (see watermark.ts), so an event
 * source mapping reads one topic: an event with two is refused.
 */
const incarnationOf = (event: unknown, records: readonly { topic: string }[]): string => {
  const topics = new Set(records.map((r) => r.topic));
  if (topics.size > 1) throw new MskEventError(`event holds ${topics.size} topics; one is expected`);
  const clusterId = clusterIdOf((event as { eventSourceArn?: unknown }).eventSourceArn);
  return sourceOf(clusterId, records[0]?.topic ?? '');
};

export const createStateProcessor = (deps: StateProcessorDeps): StateProcessor => {
  const clock = deps.clock ?? Date.now;
  const { logger, metrics } = deps;

  const process = async (event: unknown): Promise<BatchSummary> => {
    const source = parseMskEvent(event);
    const incarnation = incarnationOf(event, source);
    const now = clock();
    const { valid, invalid } = decodeBatch(source, now, { maxEventTimeSkewMs: deps.maxEventTimeSkewMs });
    if (invalid.length > 0) {
      await deps.deadLetters.write(invalid);
      logger.warn('invalid records sent to dead-letter', {
        count: invalid.length,
        first: { partition: invalid[0]?.partition, offset: invalid[0]?.offset, reason: invalid[0]?.reason },
      });
    }

    const decoded = groupBatch(valid);
    const deviceIds = [...decoded.devices.keys()];
    const [items, rules, registry] = await Promise.all([
      // Eventually consistent (half the units): every item read is written back on condition of the version read, so
      // a stale one costs a failed condition and a strongly consistent re-read (write-plan), never a wrong fold; the
      // devices that raise alerts are confirmed current before their alerts are written (current-alerting.ts).
      valid.length > 0
        ? deps.store.read(keysToRead(decoded), { consistent: false })
        : Promise.resolve(new Map<string, StateItem>()),
      valid.length > 0 ? deps.rules.rules() : Promise.resolve([]),
      deps.registry.lookup(deviceIds),
    ]);
    // Records of devices over the new-device cap go to dead-letter (new-device-cap-step.ts).
    const capped = { groups: decoded, items, sources: source, source: incarnation, nowMs: now };
    const groups = await capNewDeviceRecords({ ...capped, cap: deps.newDevicesPerPartitionMinute }, deps);
    // Second read, usually empty: the window items of late records (see windowKeysToRead).
    const windowKeys = windowKeysToRead(groups, items);
    if (windowKeys.length > 0)
      for (const [id, item] of await deps.store.read(windowKeys, { consistent: false })) items.set(id, item);
    const planner = createPlanner(groups, {
      rules,
      registryOf: (deviceId) => registry.get(deviceId) ?? null,
      windowRetentionDays: deps.windowRetentionDays ?? 7,
      source: incarnation,
    });
    // Same incarnation, yet a partition's batch ends below what it already folded: a retry can do this once; a topic
    // re-created in the same cluster (offsets restart, records skipped as folded) does it on every batch.
    const rewound = rewoundPartitions(groups, items, incarnation);
    if (rewound.length > 0)
      logger.warn('offsets went backwards: records at or below a folded offset are skipped', {
        source: incarnation,
        partitions: rewound,
      });
    const plan = await planWithCurrentAlerting(planner, items, deps.store);
    const stats = await writePlan(plan, {
      store: deps.store,
      alerts: deps.alerts,
      planner,
      items,
      concurrency: deps.writeConcurrency ?? 16,
      maxAttempts: deps.maxWriteAttempts ?? 8,
      maxShardAttempts: deps.maxShardAttempts,
      shardBackoff: deps.shardBackoff,
    });

    const oldest = source.reduce((min, r) => Math.min(min, r.timestampMs), Number.POSITIVE_INFINITY);
    const summary: BatchSummary = {
      records: source.length,
      valid: valid.length,
      invalid: invalid.length,
      devices: deviceIds.length,
      ...stats,
      lagMs: source.length > 0 ? Math.max(0, clock() - oldest) : 0,
    };
    metrics.add('RecordsProcessed', summary.valid);
    metrics.add('RecordsInvalid', summary.invalid);
    metrics.add('DynamoDBWrites', summary.itemWrites);
    metrics.add('AlertsRaised', summary.alerts);
    if (source.length > 0) metrics.add('BatchLagMs', summary.lagMs);
    metrics.add('OffsetsRewound', rewound.length);
    metrics.flush();
    logger.debug('batch processed', { ...summary });
    return summary;
  };

  return { process };
};
