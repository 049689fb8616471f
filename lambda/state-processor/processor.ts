/**
 * The state processor, independent of where it runs: parse the MSK event, quarantine bad records, join the
 * registry, plan the batch and write it. Built from injected ports so Lambda, the local runtime, benchmarks and
 * tests share it. Throws when a failure persists, so Lambda retries the whole batch (which is safe: see write-plan).
 */
import type { BackoffOptions } from '#adapters/backoff.ts';
import { type BatchGroups, groupBatch } from '#core/batch/group.ts';
import { createPlanner } from '#core/batch/planner.ts';
import { keysToRead, windowKeysToRead } from '#core/batch/read-keys.ts';
import { DEFAULT_WINDOW_RETENTION_DAYS } from '#core/contract/index.ts';
import { decodeBatch } from '#core/dead-letter.ts';
import type { StateItem } from '#core/items/state-item.ts';
import { MskEventError, parseMskEvent, type SourceRecord } from '#core/msk-event.ts';
import type {
  AlertSink,
  DeadLetterSink,
  Log,
  PresenceSink,
  ProcessorMetrics,
  RegistrySource,
  RulesSource,
  StateStore,
} from '#core/ports.ts';
import { rewoundPartitions } from '#core/rewound.ts';
import { clusterIdOf, incarnationOf } from '#core/watermark.ts';
import { planWithCurrentAlerting } from './current-alerting.ts';
import { capNewDeviceRecords } from './new-device-cap-step.ts';
import { writePlan } from './write-plan.ts';

export interface StateProcessorDeps {
  store: StateStore;
  alerts: AlertSink;
  deadLetters: DeadLetterSink;
  rules: RulesSource;
  registry: RegistrySource;
  logger: Log;
  metrics: ProcessorMetrics;
  /** The presence index the silence sweep reads (write-plan/presence-step.ts). @default none written */
  presence?: PresenceSink;
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
  /** Attempts per fleet-count transaction lost on the partition's fleet item alone (see write-plan). @default 100 */
  maxFleetItemAttempts?: number;
  /** Backoff between those attempts (tests inject `sleep`). @default 10 ms base, 1 s cap, full jitter */
  fleetItemBackoff?: BackoffOptions;
}

export interface BatchSummary {
  records: number;
  valid: number;
  invalid: number;
  devices: number;
  itemWrites: number;
  transactions: number;
  conflicts: number;
  /** Fleet-count transactions cancelled because another invocation wrote the partition's fleet item first. */
  fleetItemConflicts: number;
  alerts: number;
  /** Alert episodes ended (resolutions sent). */
  resolves: number;
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
const batchIncarnation = (event: unknown, records: readonly { topic: string }[]): string => {
  const topics = new Set(records.map((r) => r.topic));
  if (topics.size > 1) throw new MskEventError(`event holds ${topics.size} topics; one is expected`);
  const clusterId = clusterIdOf((event as { eventSourceArn?: unknown }).eventSourceArn);
  return incarnationOf(clusterId, records[0]?.topic ?? '');
};

/** Step 1: decode every record; the invalid ones go to dead-letter. */
const quarantine = async (deps: StateProcessorDeps, records: readonly SourceRecord[], now: number) => {
  const decoded = decodeBatch(records, now, { maxEventTimeSkewMs: deps.maxEventTimeSkewMs });
  const { invalid } = decoded;
  if (invalid.length > 0) {
    await deps.deadLetters.write(invalid);
    deps.logger.warn('invalid records sent to dead-letter', {
      count: invalid.length,
      first: { partition: invalid[0]?.partition, offset: invalid[0]?.offset, reason: invalid[0]?.reason },
    });
  }
  return decoded;
};

/** Step 2: the items the plan starts from, the rules and the registry rows of the batch's devices. */
const readForPlan = async (deps: StateProcessorDeps, groups: BatchGroups, anyValid: boolean) => {
  const [items, rules, registry] = await Promise.all([
    // Eventually consistent (half the units): every item read is written back on condition of the version read, so
    // a stale one costs a failed condition and a strongly consistent re-read (write-plan), never a wrong fold; the
    // devices that raise alerts are confirmed current before their alerts are written (current-alerting.ts).
    anyValid
      ? deps.store.read(keysToRead(groups), { consistent: false })
      : Promise.resolve(new Map<string, StateItem>()),
    anyValid ? deps.rules.rules() : Promise.resolve([]),
    deps.registry.lookup([...groups.devices.keys()]),
  ]);
  return { items, rules, registry };
};

/**
 * Step 4 (after step 3, the new-device cap: new-device-cap-step.ts), usually no read: the window items of late
 * records (see windowKeysToRead).
 */
const readLateWindows = async (
  deps: StateProcessorDeps,
  groups: BatchGroups,
  items: Map<string, StateItem>,
) => {
  const windowKeys = windowKeysToRead(groups, items);
  if (windowKeys.length > 0)
    for (const [id, item] of await deps.store.read(windowKeys, { consistent: false })) items.set(id, item);
};

/**
 * Same incarnation, yet a partition's batch ends below what it already folded: a retry can do this once; a topic
 * re-created in the same cluster (offsets restart, records skipped as folded) does it on every batch.
 */
const warnRewound = (
  deps: StateProcessorDeps,
  groups: BatchGroups,
  items: ReadonlyMap<string, StateItem>,
  incarnation: string,
): number[] => {
  const rewound = rewoundPartitions(groups, items, incarnation);
  if (rewound.length > 0)
    deps.logger.warn('offsets went backwards: records at or below a folded offset are skipped', {
      source: incarnation,
      partitions: rewound,
    });
  return rewound;
};

/** Last step: the batch's metrics, flushed, and its summary at debug level. */
const publish = (deps: StateProcessorDeps, summary: BatchSummary, rewound: readonly number[]) => {
  const { metrics } = deps;
  metrics.add('RecordsProcessed', summary.valid);
  metrics.add('RecordsInvalid', summary.invalid);
  metrics.add('DynamoDBWrites', summary.itemWrites);
  metrics.add('AlertsRaised', summary.alerts);
  if (summary.records > 0) metrics.add('BatchLagMs', summary.lagMs);
  metrics.add('OffsetsRewound', rewound.length);
  metrics.flush();
  deps.logger.debug('batch processed', { ...summary });
};

export const createStateProcessor = (deps: StateProcessorDeps): StateProcessor => {
  const clock = deps.clock ?? Date.now;

  const process = async (event: unknown): Promise<BatchSummary> => {
    const records = parseMskEvent(event);
    const incarnation = batchIncarnation(event, records);
    const now = clock();
    const { valid, invalid } = await quarantine(deps, records, now);
    const decoded = groupBatch(valid);
    const { items, rules, registry } = await readForPlan(deps, decoded, valid.length > 0);
    const capped = { groups: decoded, items, sources: records, source: incarnation, nowMs: now };
    const groups = await capNewDeviceRecords({ ...capped, cap: deps.newDevicesPerPartitionMinute }, deps);
    await readLateWindows(deps, groups, items);
    const planner = createPlanner(groups, {
      rules,
      registryOf: (deviceId) => registry.get(deviceId) ?? null,
      windowRetentionDays: deps.windowRetentionDays ?? DEFAULT_WINDOW_RETENTION_DAYS,
      source: incarnation,
      nowMs: now,
    });
    const rewound = warnRewound(deps, groups, items, incarnation);
    const plan = await planWithCurrentAlerting(planner, items, deps.store);
    const stats = await writePlan(plan, {
      store: deps.store,
      alerts: deps.alerts,
      planner,
      items,
      presence: deps.presence && { sink: deps.presence, nowMs: now },
      concurrency: deps.writeConcurrency ?? 16,
      maxAttempts: deps.maxWriteAttempts ?? 8,
      maxFleetItemAttempts: deps.maxFleetItemAttempts,
      fleetItemBackoff: deps.fleetItemBackoff,
    });
    const oldest = records.reduce((min, r) => Math.min(min, r.timestampMs), Number.POSITIVE_INFINITY);
    const summary: BatchSummary = {
      records: records.length,
      valid: valid.length,
      invalid: invalid.length,
      devices: groups.devices.size,
      ...stats,
      lagMs: records.length > 0 ? Math.max(0, clock() - oldest) : 0,
    };
    publish(deps, summary, rewound);
    return summary;
  };

  return { process };
};
