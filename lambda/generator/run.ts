import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { FleetStreamError } from '#core/errors.ts';
import { cachedKeyPartitioner } from './key-partitioner.ts';
import { installProduceEncoder } from './produce-encoder.ts';
import { createTelemetryStream, type TelemetryStreamOptions } from './telemetry.ts';

/**
 * Drives the telemetry stream into Kafka: many messages per send, several sends in flight, optional rate limit.
 * Shared by the CLI, the load-generator Lambda and the benchmark.
 */

/**
 * Every Kafka codec. kafkajs ships gzip only: snappy, lz4 and zstd work on a client built by the shared adapter
 * (#adapters/kafka-client.ts registers them); a bare kafkajs client fails their sends with "not implemented".
 */
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export interface GeneratorOptions extends TelemetryStreamOptions {
  readonly topic: string;
  /** Records per second over all devices; 0 = as fast as the broker takes them. @default 0 */
  readonly rate?: number;
  /** Stop after this many records. */
  readonly count?: number;
  /** Stop after this many seconds. At least one of count, duration or signal must be given. */
  readonly durationSeconds?: number;
  /** Stops producing; in-flight sends still complete and are counted. */
  readonly signal?: AbortSignal;
  /** Records per send call. @default 1000 */
  readonly batch?: number;
  /** Cap on value bytes per send call (keeps each partition's record batch under the broker's limit). @default 1_000_000 */
  readonly maxSendBytes?: number;
  /** Send calls awaiting acknowledgement at once. @default 4 */
  readonly inFlight?: number;
  /** @default 'none' */
  readonly compression?: Compression;
  /** -1 = all in-sync replicas, 1 = leader only. @default -1 */
  readonly acks?: -1 | 0 | 1;
  /** Give up after this many sends in a row failed (kafkajs has already retried each). @default 3 */
  readonly maxConsecutiveFailures?: number;
}

export interface GeneratorSummary {
  /** Records acknowledged by the broker, bad ones included. */
  readonly sent: number;
  /** Acknowledged records that were invalid on purpose. */
  readonly bad: number;
  /** Records whose send failed. */
  readonly errors: number;
  /** Value bytes acknowledged. */
  readonly bytes: number;
  readonly seconds: number;
  readonly recordsPerSec: number;
  /** Value bytes per second / 1e6. */
  readonly mbPerSec: number;
  readonly lastError?: string;
}

/** Thrown when sends keep failing; carries what was achieved before. */
export class GeneratorError extends FleetStreamError {
  override readonly name = 'GeneratorError';
  constructor(
    message: string,
    readonly summary: GeneratorSummary,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const COMPRESSION_TYPES: ReadonlyMap<string, CompressionTypes> = new Map<Compression, CompressionTypes>([
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
]);

/**
 * The producer the generator makes for itself when handed a Kafka client. It encodes its requests with
 * produce-encoder.ts (same bytes as kafkajs's, a fraction of the copies) and remembers each key's partition.
 */
export const generatorProducer = (kafka: Kafka): Producer => {
  installProduceEncoder();
  return kafka.producer({
    allowAutoTopicCreation: false,
    // Java-compatible murmur2 partitioner: same device → same partition as any Java/Python producer.
    createPartitioner: cachedKeyPartitioner,
    idempotent: false,
  });
};

// Duck-typed: a Kafka client makes producers, a producer sends.
const isKafka = (target: Producer | Kafka): target is Kafka =>
  typeof (target as Kafka).producer === 'function';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const positive = (name: string, value: number | undefined, fallback: number): number => {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return v;
};

/** The run's validated settings. */
const settingsOf = (options: GeneratorOptions) => {
  const rate = options.rate ?? 0;
  if (!(rate >= 0 && Number.isFinite(rate))) throw new Error(`rate must be >= 0, got ${rate}`);
  if (options.count === undefined && options.durationSeconds === undefined && options.signal === undefined) {
    throw new Error('give a count, a duration or an abort signal — otherwise the generator never stops');
  }
  if (options.count !== undefined && !(Number.isInteger(options.count) && options.count >= 0)) {
    throw new Error(`count must be a non-negative integer, got ${options.count}`);
  }
  if (options.durationSeconds !== undefined && !(options.durationSeconds > 0)) {
    throw new Error(`duration must be > 0 seconds, got ${options.durationSeconds}`);
  }
  const batch = positive('batch', options.batch, 1000);
  const compression = COMPRESSION_TYPES.get(options.compression ?? 'none');
  if (compression === undefined) throw new Error(`unsupported compression ${options.compression}`);
  return {
    rate,
    inFlight: positive('inFlight', options.inFlight, 4),
    maxSendBytes: positive('maxSendBytes', options.maxSendBytes, 1_000_000),
    maxFailures: positive('maxConsecutiveFailures', options.maxConsecutiveFailures, 3),
    compression,
    // With a rate, send at least ~20 times a second so the stream is smooth rather than bursty.
    chunk: rate > 0 ? Math.max(1, Math.min(batch, Math.ceil(rate / 20))) : batch,
  };
};

/** What the run has produced, sent and lost so far. */
class Tally {
  produced = 0;
  sent = 0;
  bad = 0;
  errors = 0;
  bytes = 0;
  consecutiveFailures = 0;
  lastError: Error | undefined;
  readonly started = performance.now();

  summary(): GeneratorSummary {
    const seconds = (performance.now() - this.started) / 1000;
    return {
      sent: this.sent,
      bad: this.bad,
      errors: this.errors,
      bytes: this.bytes,
      seconds,
      recordsPerSec: seconds > 0 ? this.sent / seconds : 0,
      mbPerSec: seconds > 0 ? this.bytes / 1e6 / seconds : 0,
      ...(this.lastError ? { lastError: this.lastError.message } : {}),
    };
  }
}

/** The next send's messages: up to `want` records and about `maxSendBytes` of values. */
const nextChunk = (stream: ReturnType<typeof createTelemetryStream>, want: number, maxSendBytes: number) => {
  const messages: Message[] = [];
  let bytes = 0;
  let bad = 0;
  while (messages.length < want && bytes < maxSendBytes) {
    const { value: message } = stream.next();
    messages.push({ key: message.key, value: message.value });
    bytes += message.value.length;
    if (message.bad) bad++;
  }
  return { messages, bytes, bad };
};

/** What each send of a run shares: where it goes, how, and the run's tally and in-flight set. */
interface Sends {
  readonly producer: Producer;
  readonly options: GeneratorOptions;
  readonly compression: CompressionTypes;
  readonly tally: Tally;
  readonly pending: Set<Promise<void>>;
  readonly onProgress: ((progress: GeneratorSummary) => void) | undefined;
}

/** Sends one chunk without waiting; its outcome lands in the tally, and it leaves `pending` when settled. */
const sendChunk = (sends: Sends, next: ReturnType<typeof nextChunk>): void => {
  const { tally, pending, options } = sends;
  const send = sends.producer
    .send({
      topic: options.topic,
      messages: next.messages,
      acks: options.acks ?? -1,
      compression: sends.compression,
    })
    .then(
      () => {
        tally.sent += next.messages.length;
        tally.bad += next.bad;
        tally.bytes += next.bytes;
        tally.consecutiveFailures = 0;
      },
      (error: Error) => {
        tally.errors += next.messages.length;
        tally.consecutiveFailures++;
        tally.lastError = error;
      },
    )
    .finally(() => {
      pending.delete(send);
      sends.onProgress?.(tally.summary());
    });
  pending.add(send);
};

export const runGenerator = async (
  target: Producer | Kafka,
  options: GeneratorOptions,
  onProgress?: (progress: GeneratorSummary) => void,
): Promise<GeneratorSummary> => {
  const { rate, inFlight, maxSendBytes, maxFailures, compression, chunk } = settingsOf(options);
  const stream = createTelemetryStream(options);
  const ownProducer = isKafka(target) ? generatorProducer(target) : undefined;
  const producer = ownProducer ?? (target as Producer);
  if (ownProducer) await ownProducer.connect();

  const tally = new Tally();
  const deadline =
    options.durationSeconds === undefined ? Infinity : tally.started + options.durationSeconds * 1000;
  const pending = new Set<Promise<void>>();
  const stopping = () =>
    options.signal?.aborted === true ||
    tally.consecutiveFailures >= maxFailures ||
    (options.count !== undefined && tally.produced >= options.count) ||
    performance.now() >= deadline;
  const sends: Sends = { producer, options, compression, tally, pending, onProgress };

  try {
    while (!stopping()) {
      if (rate > 0) {
        // Pace by schedule, not by sleeps per send: record i is due at started + i / rate.
        await sleep(tally.started + (tally.produced / rate) * 1000 - performance.now(), options.signal);
        if (stopping()) break;
      }
      const next = nextChunk(
        stream,
        Math.min(chunk, (options.count ?? Infinity) - tally.produced),
        maxSendBytes,
      );
      tally.produced += next.messages.length;
      sendChunk(sends, next);
      if (pending.size >= inFlight) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await Promise.allSettled(pending);
    if (ownProducer) await ownProducer.disconnect().catch(() => {});
  }
  const result = tally.summary();
  if (tally.consecutiveFailures >= maxFailures) {
    throw new GeneratorError(`sends keep failing: ${tally.lastError?.message ?? 'unknown error'}`, result, {
      cause: tally.lastError,
    });
  }
  return result;
};
