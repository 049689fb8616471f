import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { createKafka } from '#adapters/kafka-client.ts';
import { LAKE_PREFIX, lakeFolder } from '#core/contract/index.ts';
import { type ConsumerStall, formatStall, watchConsumerStall } from './consumer-stall.ts';

/**
 * The local stand-in for Firehose with an MSK source: buffers the topic's record values and writes them as gzip,
 * newline-delimited files under `<dir>/raw/year=YYYY/month=MM/day=DD/hour=HH/` (UTC hour of arrival, as Firehose
 * prefixes with `!{timestamp:…}`), each line one value exactly as produced. A buffer is written when it reaches
 * `maxBytes`, when `flushIntervalMs` has passed since its first record, when the hour changes, and on stop.
 * Offsets are committed only once the file is durable (fsync + rename), so a crash can duplicate, never lose.
 */

const gzip = promisify(gzipCallback);
const NEWLINE = Buffer.from('\n');

export interface RawArchiveOptions {
  readonly brokers: string | readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** The data lake root; files go under `<dir>/raw/…`. */
  readonly dir: string;
  /** Firehose's buffering interval. @default 60_000 */
  readonly flushIntervalMs?: number;
  /** Firehose's buffering size, counted on uncompressed bytes. @default 5 MiB */
  readonly maxBytes?: number;
  /** File name prefix, as Firehose names files after its delivery stream. @default 'fleetstream-raw' */
  readonly streamName?: string;
  /** @default true — a new group archives the topic from the start */
  readonly fromBeginning?: boolean;
  /** Arrival clock (epoch ms). @default Date.now */
  readonly now?: () => number;
  readonly onFlush?: (file: ArchivedFile) => void;
  readonly onError?: (error: unknown) => void;
  /** Called when the consumer cannot read the topic (a batch it cannot decode). @default a line on stderr */
  readonly onStall?: (stall: ConsumerStall) => void;
  readonly kafka?: Kafka;
}

export interface ArchivedFile {
  readonly path: string;
  readonly records: number;
  readonly bytes: number;
}

export interface RawArchiveStats {
  files: number;
  records: number;
  bytes: number;
  /** The last time the consumer could not read the topic, if it happened. */
  stall?: ConsumerStall;
}

export interface RawArchive {
  readonly stats: Readonly<RawArchiveStats>;
  /** Writes the current buffer now (no-op when empty). */
  flush(): Promise<void>;
  /** Writes what is buffered, commits it, leaves the group. */
  stop(): Promise<void>;
}

interface PendingFile {
  lines: Buffer[];
  records: number;
  bytes: number;
  openedAt: number;
  /** partition → last offset in this buffer. */
  offsets: Map<number, number>;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `raw/year=…/hour=…/<stream>-1-YYYY-MM-DD-HH-mm-ss-<uuid>.gz`, like Firehose's default naming. */
export const archivePath = (streamName: string, arrivalMs: number): string => {
  const t = new Date(arrivalMs);
  const [y, mo, d, h, mi, s] = [
    t.getUTCFullYear(),
    t.getUTCMonth() + 1,
    t.getUTCDate(),
    t.getUTCHours(),
    t.getUTCMinutes(),
    t.getUTCSeconds(),
  ];
  const prefix = join(
    lakeFolder(LAKE_PREFIX.raw),
    `year=${y}`,
    `month=${pad(mo)}`,
    `day=${pad(d)}`,
    `hour=${pad(h)}`,
  );
  return join(
    prefix,
    `${streamName}-1-${y}-${pad(mo)}-${pad(d)}-${pad(h)}-${pad(mi)}-${pad(s)}-${randomUUID()}.gz`,
  );
};

const hourOf = (ms: number) => Math.floor(ms / 3_600_000);

/** Write to a temp name, fsync, rename, fsync the folder: the file is either complete and durable or absent. */
const writeDurably = async (path: string, data: Buffer): Promise<void> => {
  const folder = join(path, '..');
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${randomUUID()}.tmp`);
  try {
    const file = await open(temp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
};

const emptyFile = (): PendingFile => ({ lines: [], records: 0, bytes: 0, openedAt: 0, offsets: new Map() });

/** The archive's settings after defaults. */
interface ArchiveSettings {
  readonly options: RawArchiveOptions;
  readonly consumer: Consumer;
  readonly flushIntervalMs: number;
  readonly maxBytes: number;
  readonly streamName: string;
  readonly now: () => number;
}

/** Buffers consumed records into hour-aligned files and writes each durably before committing its offsets. */
class Archiver {
  readonly stats: RawArchiveStats = { files: 0, records: 0, bytes: 0 };
  private buffer = emptyFile();
  /** partition → last offset taken into a buffer: a refetch after a rebalance must not archive twice. */
  private readonly taken = new Map<number, number>();
  private flushing: Promise<void> = Promise.resolve();
  stopping = false;
  activeBatches = 0;

  constructor(private readonly s: ArchiveSettings) {}

  private async writeBuffer(): Promise<void> {
    const current = this.buffer;
    if (current.records === 0) return;
    this.buffer = emptyFile();
    const path = join(this.s.options.dir, archivePath(this.s.streamName, current.openedAt));
    try {
      await writeDurably(path, await gzip(Buffer.concat(current.lines)));
    } catch (error) {
      // Keep the records: put them back in front of anything buffered meanwhile, for the next flush.
      const later = this.buffer;
      this.buffer = {
        lines: [...current.lines, ...later.lines],
        records: current.records + later.records,
        bytes: current.bytes + later.bytes,
        openedAt: current.openedAt,
        offsets: new Map([...current.offsets, ...later.offsets]),
      };
      throw error;
    }
    const { topic } = this.s.options;
    await this.s.consumer.commitOffsets(
      [...current.offsets].map(([partition, offset]) => ({ topic, partition, offset: String(offset + 1) })),
    );
    this.stats.files++;
    this.stats.records += current.records;
    this.stats.bytes += current.bytes;
    this.s.options.onFlush?.({ path, records: current.records, bytes: current.bytes });
  }

  /** Flushes one at a time, in order. */
  readonly flush = (): Promise<void> => {
    const next = this.flushing.then(() => this.writeBuffer());
    this.flushing = next.catch(() => {});
    return next;
  };

  due(): boolean {
    const { now, flushIntervalMs } = this.s;
    const { buffer } = this;
    return (
      buffer.records > 0 &&
      (now() - buffer.openedAt >= flushIntervalMs || hourOf(now()) !== hourOf(buffer.openedAt))
    );
  }

  /** Takes one fetched record into the buffer, flushing first at an hour boundary and after at the size cap. */
  private async take(partition: number, message: KafkaMessage): Promise<void> {
    const offset = Number(message.offset);
    if (offset <= (this.taken.get(partition) ?? -1)) return;
    const arrival = this.s.now();
    // A buffer never straddles an hour: its folder is the hour of its first record.
    if (this.buffer.records > 0 && hourOf(arrival) !== hourOf(this.buffer.openedAt)) await this.flush();
    const buffer = this.buffer;
    if (buffer.records === 0) buffer.openedAt = arrival;
    const value = message.value ?? Buffer.alloc(0);
    buffer.lines.push(value, NEWLINE);
    buffer.records++;
    buffer.bytes += value.length + 1;
    buffer.offsets.set(partition, offset);
    this.taken.set(partition, offset);
    if (buffer.bytes >= this.s.maxBytes) await this.flush();
  }

  readonly eachBatch = async ({ batch }: EachBatchPayload): Promise<void> => {
    if (this.stopping) return;
    this.activeBatches++;
    try {
      for (const message of batch.messages) await this.take(batch.partition, message);
    } finally {
      this.activeBatches--;
    }
  };
}

const settingsOf = (options: RawArchiveOptions, consumer: Consumer): ArchiveSettings => {
  const flushIntervalMs = options.flushIntervalMs ?? 60_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  if (!(flushIntervalMs > 0)) throw new Error(`flushIntervalMs must be > 0, got ${flushIntervalMs}`);
  if (!(maxBytes > 0)) throw new Error(`maxBytes must be > 0, got ${maxBytes}`);
  const streamName = options.streamName ?? 'fleetstream-raw';
  return { options, consumer, flushIntervalMs, maxBytes, streamName, now: options.now ?? Date.now };
};

export const startRawArchive = async (options: RawArchiveOptions): Promise<RawArchive> => {
  const { topic, groupId } = options;
  const kafka = options.kafka ?? createKafka({ mode: 'local', brokers: options.brokers });
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const settings = settingsOf(options, consumer);
  const archiver = new Archiver(settings);
  const timer = setInterval(
    () => {
      if (archiver.due() && !archiver.stopping) archiver.flush().catch((error) => options.onError?.(error));
    },
    Math.min(1_000, settings.flushIntervalMs),
  );
  watchConsumerStall(consumer, kafka, { topic, groupId }, (stall) => {
    archiver.stats.stall = stall;
    (options.onStall ?? ((s) => console.error(`raw archive: ${formatStall(s)}`)))(stall);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({ autoCommit: false, eachBatch: archiver.eachBatch });

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    archiver.stopping = true;
    clearInterval(timer);
    // Let a batch in progress finish buffering, then write and commit before leaving the group
    // (kafkajs drops commits once the consumer has stopped).
    while (archiver.activeBatches > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    try {
      await archiver.flush();
    } finally {
      await consumer.disconnect();
    }
  };
  return {
    stats: archiver.stats,
    flush: archiver.flush,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
};
