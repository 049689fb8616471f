import type { MSKEvent, MSKRecord, MSKRecordHeader } from 'aws-lambda';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { createKafka } from '#adapters/kafka-client.ts';
import { LAMBDA_LIMITS } from '#core/contract/index.ts';
import { type ConsumerStall, formatStall, watchConsumerStall } from './consumer-stall.ts';

const { batchSize: BATCH, batchingWindowSeconds: WINDOW } = LAMBDA_LIMITS;

/**
 * The local stand-in for Lambda's MSK event source mapping. It hands the handler exactly the event Lambda would:
 * up to `batchSize` records gathered across all partitions within `maxBatchingWindowMs`, grouped under
 * "<topic>-<partition>" in offset order, base64 keys and values. Offsets are committed to the consumer group only
 * after the handler succeeds; a failed batch is retried as is, with capped backoff, until it succeeds or stop() —
 * so a partition never skips a record, and a restart resumes from the committed offsets.
 */

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

export interface BatchInfo {
  readonly records: number;
  /** "<topic>-<partition>" → [first, last] offset in the batch. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  /** Invocations this batch took (1 = no retry). */
  readonly attempts: number;
  readonly handlerMs: number;
}

export interface PollerStats {
  batches: number;
  records: number;
  failures: number;
  lastError?: string;
  /** The last time the consumer could not read the topic, if it happened. */
  stall?: ConsumerStall;
}

export interface EventSourcePoller {
  readonly stats: Readonly<PollerStats>;
  /** Finishes the invocation in progress (and commits it if it succeeds), then leaves the group. */
  stop(): Promise<void>;
}

interface Buffered {
  readonly partition: number;
  readonly offset: number;
  readonly record: MSKRecord;
  readonly bytes: number;
  /** When it was fetched (performance.now()): the batching window runs from the oldest buffered record. */
  readonly at: number;
}

/** A one-shot wake-up for whoever is waiting for "something changed". */
class Signal {
  private waiters: (() => void)[] = [];
  wait(timeoutMs = Infinity): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
      const waiters = this.waiters;
      function done() {
        if (timer) clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }
  notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Lambda's header shape: one object per header, value as a byte array. */
const toMskHeaders = (headers: IHeaders | undefined): MSKRecordHeader[] => {
  const out: MSKRecordHeader[] = [];
  for (const [key, raw] of Object.entries(headers ?? {})) {
    for (const value of [raw].flat()) {
      if (value !== undefined) out.push({ [key]: [...Buffer.from(value)] });
    }
  }
  return out;
};

export const toMskRecord = (topic: string, partition: number, message: KafkaMessage): MSKRecord => {
  const record = {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: 'CREATE_TIME' as const,
    // Lambda leaves `key` (and `value`) out when the record has none.
    ...(message.key ? { key: message.key.toString('base64') } : {}),
    ...(message.value ? { value: message.value.toString('base64') } : {}),
    headers: toMskHeaders(message.headers),
  };
  return record as MSKRecord;
};

const sleep = (ms: number, wake: Signal) => wake.wait(ms);

/**
 * Lambda's eventSourceArn ends with the MSK cluster's UUID; locally the Kafka cluster id plays that part, so a wiped
 * and re-formatted broker (offsets back at 0) is a new incarnation to the processor, as a replaced cluster is in AWS.
 */
export const localEventSourceArn = async (kafka: Kafka): Promise<string> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { clusterId } = await admin.describeCluster();
    return `arn:aws:kafka:local:000000000000:cluster/local/${clusterId}`;
  } finally {
    await admin.disconnect();
  }
};

export const startEventSourcePoller = async (
  options: EventSourcePollerOptions,
): Promise<EventSourcePoller> => {
  const { topic, groupId, handler } = options;
  const batchSize = options.batchSize ?? 100;
  const windowMs = options.maxBatchingWindowMs ?? 500;
  const maxPayloadBytes = options.maxPayloadBytes ?? 6_000_000;
  const initialBackoff = options.retryBackoff?.initialMs ?? 200;
  const maxBackoff = options.retryBackoff?.maxMs ?? 10_000;
  if (!Number.isInteger(batchSize) || batchSize < BATCH.min || batchSize > BATCH.max) {
    throw new Error(`batchSize must be within ${BATCH.min}-${BATCH.max}, got ${batchSize}`);
  }
  const [minMs, maxMs] = [WINDOW.min * 1000, WINDOW.max * 1000];
  if (!(windowMs >= minMs && windowMs <= maxMs))
    throw new Error(`maxBatchingWindowMs must be within ${minMs}-${maxMs}`);
  const bootstrapServers = [options.brokers].flat().join(',');
  const kafka = options.kafka ?? createKafka({ mode: 'local', brokers: options.brokers });
  const eventSourceArn = options.eventSourceArn ?? (await localEventSourceArn(kafka));

  const stats: PollerStats = { batches: 0, records: 0, failures: 0 };
  /** Per partition, in offset order: fetched but not yet handled successfully. */
  const buffers = new Map<number, Buffered[]>();
  /** Per partition, the highest offset handled successfully in this session. */
  const done = new Map<number, number>();
  let buffered = 0;
  let stopping = false;
  const changed = new Signal();

  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    // Short fetch waits keep stop() and the batching window responsive.
    maxWaitTimeInMs: Math.min(500, Math.max(50, windowMs)),
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });

  const purge = (partition: number) => {
    const list = buffers.get(partition);
    if (!list) return;
    buffered -= list.length;
    buffers.delete(partition);
  };

  /** Takes up to batchSize records, round-robin over partitions so a busy partition cannot starve the others. */
  const takeBatch = (): Buffered[] => {
    const taken: Buffered[] = [];
    let bytes = 200;
    const queues = [...buffers.entries()].sort(([a], [b]) => a - b).map(([, list]) => ({ list, next: 0 }));
    let progressed = true;
    while (taken.length < batchSize && progressed) {
      progressed = false;
      for (const queue of queues) {
        const item = queue.list[queue.next];
        if (item === undefined || taken.length >= batchSize) continue;
        if (taken.length > 0 && bytes + item.bytes > maxPayloadBytes) return taken;
        taken.push(item);
        bytes += item.bytes;
        queue.next++;
        progressed = true;
      }
    }
    return taken;
  };

  const toEvent = (batch: readonly Buffered[]): MSKEvent => {
    const records: Record<string, MSKRecord[]> = {};
    for (const item of [...batch].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const group = `${topic}-${item.partition}`;
      const list = records[group] ?? [];
      records[group] = list;
      list.push(item.record);
    }
    return { eventSource: 'aws:kafka', eventSourceArn, bootstrapServers, records };
  };

  const ranges = (batch: readonly Buffered[]) => {
    const out: Record<string, [number, number]> = {};
    for (const item of batch) {
      const key = `${topic}-${item.partition}`;
      const range = out[key];
      out[key] = range
        ? [Math.min(range[0], item.offset), Math.max(range[1], item.offset)]
        : [item.offset, item.offset];
    }
    return out;
  };

  /** Marks a handled batch: removes it from the buffers and commits next-offset = last + 1 per partition. */
  const complete = async (batch: readonly Buffered[]) => {
    const last = new Map<number, number>();
    for (const item of batch) last.set(item.partition, Math.max(last.get(item.partition) ?? -1, item.offset));
    for (const [partition, offset] of last) {
      const list = buffers.get(partition);
      if (list) {
        const keep = list.filter((item) => item.offset > offset);
        buffered -= list.length - keep.length;
        if (keep.length > 0) buffers.set(partition, keep);
        else buffers.delete(partition);
      }
      done.set(partition, Math.max(done.get(partition) ?? -1, offset));
    }
    try {
      await consumer.commitOffsets(
        [...last].map(([partition, offset]) => ({ topic, partition, offset: String(offset + 1) })),
      );
    } catch (error) {
      // Not fatal: the records were handled; at worst a restart redelivers them (at-least-once, as with Lambda).
      options.onError?.(error, { attempt: 0, records: batch.length });
    }
    changed.notify();
  };

  const oldestBufferedAt = (): number => {
    let oldest = Infinity;
    for (const list of buffers.values()) oldest = Math.min(oldest, list[0]?.at ?? Infinity);
    return oldest;
  };

  const dispatch = async () => {
    while (!stopping) {
      if (buffered === 0) {
        await changed.wait();
        continue;
      }
      const waitLeft = oldestBufferedAt() + windowMs - performance.now();
      if (buffered < batchSize && waitLeft > 0) {
        await changed.wait(waitLeft);
        continue;
      }
      const batch = takeBatch();
      const event = toEvent(batch);
      for (let attempt = 1; !stopping || attempt === 1; attempt++) {
        const started = performance.now();
        try {
          await handler(event);
        } catch (error) {
          stats.failures++;
          stats.lastError = error instanceof Error ? error.message : String(error);
          options.onError?.(error, { attempt, records: batch.length });
          if (stopping) break;
          await sleep(Math.min(maxBackoff, initialBackoff * 2 ** (attempt - 1)), changed);
          continue;
        }
        const handlerMs = performance.now() - started;
        await complete(batch);
        stats.batches++;
        stats.records += batch.length;
        options.onBatch?.({ records: batch.length, ranges: ranges(batch), attempts: attempt, handlerMs });
        break;
      }
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const { partition } = batch;
    const fresh = batch.messages.filter((m) => Number(m.offset) > (done.get(partition) ?? -1));
    if (fresh.length === 0 || stopping) return;
    const list = buffers.get(partition) ?? [];
    buffers.set(partition, list);
    const at = performance.now();
    for (const message of fresh) {
      const record = toMskRecord(batch.topic, partition, message);
      // Approximate JSON size: base64 bytes plus the record's fixed fields.
      const bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0) + 160;
      list.push({ partition, offset: Number(message.offset), record, bytes, at });
    }
    buffered += fresh.length;
    changed.notify();

    const lastOffset = Number(fresh[fresh.length - 1]?.offset);
    // Wait until the dispatcher has handled this partition's records; heartbeat meanwhile, since kafkajs only
    // heartbeats between batches and a long retry would otherwise cost us the group membership.
    while ((done.get(partition) ?? -1) < lastOffset && !stopping && isRunning() && !isStale()) {
      await changed.wait(2_000);
      await heartbeat().catch(() => {});
    }
    const handled = done.get(partition) ?? -1;
    if (handled >= Number(fresh[0]?.offset)) resolveOffset(String(Math.min(handled, lastOffset)));
    // Leaving early (stop, rebalance): drop what is unhandled — it is refetched from the committed offset.
    if (handled < lastOffset) purge(partition);
  };

  watchConsumerStall(consumer, kafka, { topic, groupId }, (stall) => {
    stats.stall = stall;
    stats.lastError = formatStall(stall);
    (options.onStall ?? ((s) => console.error(`event-source poller: ${formatStall(s)}`)))(stall);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? true });
  const joined = new Promise<void>((resolve, reject) => {
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
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Every partition's batch must be in hand at once for a batch to span partitions.
    partitionsConsumedConcurrently: 64,
    eachBatch,
  });
  try {
    await joined;
  } catch (error) {
    await consumer.disconnect().catch(() => {});
    throw error;
  }
  const dispatcher = dispatch();

  let stopped: Promise<void> | undefined;
  return {
    stats,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        changed.notify();
        await dispatcher;
        await consumer.disconnect();
      })();
      return stopped;
    },
  };
};
