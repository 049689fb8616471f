import type { MSKEvent } from 'aws-lambda';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { createKafka } from '#adapters/kafka-client.ts';
import { LAMBDA_LIMITS } from '#core/contract/index.ts';
import { buildMskEvent } from '#core/msk-event.ts';
import { type ConsumerStall, formatStall, watchConsumerStall } from './consumer-stall.ts';
import { type BatchInfo, Dispatcher, type DispatchStats } from './event-source/dispatcher.ts';
import { localEventSourceArn } from './event-source/kafka-records.ts';
import { type Buffered, RecordBuffer } from './event-source/record-buffer.ts';
import { Signal } from './event-source/signal.ts';

const { batchSize: BATCH, batchingWindowSeconds: WINDOW } = LAMBDA_LIMITS;

/**
 * The local stand-in for Lambda's MSK event source mapping. It hands the handler exactly the event Lambda would:
 * up to `batchSize` records gathered across all partitions within `maxBatchingWindowMs`, grouped under
 * "<topic>-<partition>" in offset order, base64 keys and values. Offsets are committed to the consumer group only
 * after the handler succeeds; a failed batch is retried as is, with capped backoff, until it succeeds or stop() —
 * so a partition never skips a record, and a restart resumes from the committed offsets.
 *
 * Two parts: the consumer fills a RecordBuffer (event-source/record-buffer.ts) and waits, heartbeating, until its
 * records are handled; the Dispatcher (event-source/dispatcher.ts) takes batches from the buffer and invokes.
 */

export type { BatchInfo } from './event-source/dispatcher.ts';
export { localEventSourceArn, toMskRecord } from './event-source/kafka-records.ts';

export interface EventSourcePollerOptions {
  readonly brokers: string | readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly handler: (event: MSKEvent) => Promise<void>;
  /** Records per invocation, across partitions. @default 100 (Lambda's default for MSK) */
  readonly batchSize?: number;
  /** Longest wait for a batch to fill once a record is buffered. @default 500 */
  readonly maxBatchingWindowMs?: number;
  /** Lambda's 6 MB invocation payload limit, estimated on the event's JSON size. @default 6_000_000 */
  readonly maxPayloadBytes?: number;
  /** Where a new consumer group starts: TRIM_HORIZON (true) or LATEST (false). @default true */
  readonly fromBeginning?: boolean;
  /** @default { initialMs: 200, maxMs: 10_000 } */
  readonly retryBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** @default an MSK-shaped ARN carrying the local Kafka cluster id (see localEventSourceArn) */
  readonly eventSourceArn?: string;
  /** Called for every failed invocation (the batch will be retried) and for commit failures. */
  readonly onError?: (error: unknown, info: { readonly attempt: number; readonly records: number }) => void;
  /** Called after each successful invocation, once its offsets are committed. */
  readonly onBatch?: (info: BatchInfo) => void;
  /**
   * Called when the consumer cannot read the topic (a batch it cannot decode): otherwise it would stall silently.
   * @default a line on stderr
   */
  readonly onStall?: (stall: ConsumerStall) => void;
  /** Use this client instead of a plaintext one for `brokers`. */
  readonly kafka?: Kafka;
}

export interface PollerStats extends DispatchStats {
  /** The last time the consumer could not read the topic, if it happened. */
  stall?: ConsumerStall;
}

export interface EventSourcePoller {
  readonly stats: Readonly<PollerStats>;
  /** Records fetched and waiting for the handler (at most what the consumer fetched ahead). */
  readonly buffered: () => number;
  /** Finishes the invocation in progress (and commits it if it succeeds), then leaves the group. */
  stop(): Promise<void>;
}

/** Lambda's limits for an MSK event source mapping (LAMBDA_LIMITS: batch size and batching window). */
const checkBatching = (batchSize: number, windowMs: number) => {
  if (!Number.isInteger(batchSize) || batchSize < BATCH.min || batchSize > BATCH.max) {
    throw new Error(`batchSize must be within ${BATCH.min}-${BATCH.max}, got ${batchSize}`);
  }
  const [minMs, maxMs] = [WINDOW.min * 1000, WINDOW.max * 1000];
  if (!(windowMs >= minMs && windowMs <= maxMs))
    throw new Error(`maxBatchingWindowMs must be within ${minMs}-${maxMs}`);
};

/** Everything the consumer side and the dispatcher share. */
interface Parts {
  readonly options: EventSourcePollerOptions;
  readonly consumer: Consumer;
  readonly buffer: RecordBuffer;
  readonly changed: Signal;
  readonly stats: PollerStats;
  readonly stopping: () => boolean;
}

/**
 * kafkajs hands one partition's fetch at a time: buffer it, then wait until the dispatcher has handled it,
 * heartbeating meanwhile (kafkajs only heartbeats between batches; a long retry would cost the group membership).
 */
const bufferAndWait =
  ({ buffer, changed, stopping }: Parts) =>
  async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const { partition } = batch;
    if (stopping()) return;
    const range = buffer.add(batch.topic, partition, batch.messages);
    if (range === undefined) return;
    changed.notify();
    const [first, last] = range;
    while (buffer.handledUpTo(partition) < last && !stopping() && isRunning() && !isStale()) {
      await changed.wait(2_000);
      await heartbeat().catch(() => {});
    }
    const handled = buffer.handledUpTo(partition);
    if (handled >= first) resolveOffset(String(Math.min(handled, last)));
    // Leaving early (stop, rebalance): drop what is unhandled — it is refetched from the committed offset.
    if (handled < last) buffer.drop(partition);
  };

const startDispatcher = (parts: Parts, eventOf: (batch: readonly Buffered[]) => MSKEvent) => {
  const { options, consumer } = parts;
  const { topic } = options;
  return new Dispatcher({
    buffer: parts.buffer,
    changed: parts.changed,
    limits: { batchSize: options.batchSize ?? 100, maxPayloadBytes: options.maxPayloadBytes ?? 6_000_000 },
    windowMs: options.maxBatchingWindowMs ?? 500,
    backoff: {
      initialMs: options.retryBackoff?.initialMs ?? 200,
      maxMs: options.retryBackoff?.maxMs ?? 10_000,
    },
    invoke: (batch) => options.handler(eventOf(batch)),
    commit: async (last, records) => {
      const offsets = [...last].map(([partition, offset]) => ({
        topic,
        partition,
        offset: String(offset + 1),
      }));
      // Not fatal: the records were handled; at worst a restart redelivers them (at-least-once, as with Lambda).
      await consumer
        .commitOffsets(offsets)
        .catch((error: unknown) => options.onError?.(error, { attempt: 0, records }));
    },
    groupOf: (partition) => `${topic}-${partition}`,
    stats: parts.stats,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  });
};

const joinedGroup = (consumer: Consumer, groupId: string) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumer group ${groupId} did not join within 60 s`)),
      60_000,
    );
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });

/** Connects, subscribes and runs the consumer; resolves once it has joined the group. */
const runConsumer = async (parts: Parts, kafka: Kafka) => {
  const { options, consumer, stats } = parts;
  const { topic, groupId } = options;
  watchConsumerStall(consumer, kafka, { topic, groupId }, (stall) => {
    stats.stall = stall;
    stats.lastError = formatStall(stall);
    (options.onStall ?? ((s) => console.error(`event-source poller: ${formatStall(s)}`)))(stall);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? true });
  const joined = joinedGroup(consumer, groupId);
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Every partition's batch must be in hand at once for a batch to span partitions.
    partitionsConsumedConcurrently: 64,
    eachBatch: bufferAndWait(parts),
  });
  await joined.catch(async (error: unknown) => {
    await consumer.disconnect().catch(() => {});
    throw error;
  });
};

export const startEventSourcePoller = async (
  options: EventSourcePollerOptions,
): Promise<EventSourcePoller> => {
  const windowMs = options.maxBatchingWindowMs ?? 500;
  checkBatching(options.batchSize ?? 100, windowMs);
  const kafka = options.kafka ?? createKafka({ mode: 'local', brokers: options.brokers });
  const source = {
    eventSourceArn: options.eventSourceArn ?? (await localEventSourceArn(kafka)),
    bootstrapServers: [options.brokers].flat().join(','),
  };
  let dispatcher: Dispatcher | undefined;
  const parts: Parts = {
    options,
    // Short fetch waits keep stop() and the batching window responsive.
    consumer: kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: Math.min(500, Math.max(50, windowMs)),
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    }),
    buffer: new RecordBuffer(),
    changed: new Signal(),
    stats: { batches: 0, records: 0, failures: 0 },
    stopping: () => dispatcher?.isStopping ?? false,
  };
  await runConsumer(parts, kafka);
  const byOffset = (a: Buffered, b: Buffered) => a.partition - b.partition || a.offset - b.offset;
  dispatcher = startDispatcher(
    parts,
    (batch) =>
      buildMskEvent(
        [...batch].sort(byOffset).map((b) => b.record),
        source,
      ) as MSKEvent,
  );
  const running = dispatcher;
  let stopped: Promise<void> | undefined;
  return {
    stats: parts.stats,
    buffered: () => parts.buffer.size,
    stop: () => {
      stopped ??= running.stop().then(() => parts.consumer.disconnect());
      return stopped;
    },
  };
};
