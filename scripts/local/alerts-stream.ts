import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { LAMBDA_LIMITS } from '#core/contract/index.ts';
import { toLambdaStreamRecord } from './stream-event.ts';

export interface AlertsStreamOptions {
  /** DynamoDB Local, e.g. http://127.0.0.1:8000 */
  readonly dynamodbEndpoint: string;
  /** The alerts table (stream NEW_IMAGE). */
  readonly table: string;
  /** Where the position per shard is kept (`<state dir>/alerts-stream.json`), so a restart does not re-read it all. */
  readonly positionFile: string;
  /**
   * The notifier's handler, invoked with Lambda's DynamoDB Streams event (every record of a page, in stream order).
   * A throw retries the whole batch on the next poll; a reported batch item failure retries from that record.
   */
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** Records per invocation (the event source mapping's BatchSize). @default 100 */
  readonly batchSize?: number;
  /** @default 250 */
  readonly pollIntervalMs?: number;
  /**
   * Lambda's MaximumBatchingWindowInSeconds: records wait up to this long for a full batch (the notifier's group
   * window). @default 0
   */
  readonly maxBatchingWindowMs?: number;
  readonly onError?: (error: Error) => void;
}

export interface AlertsStream {
  /** Records handled (advanced past) and invocations made. */
  readonly stats: { records: number; invocations: number };
  stop(): Promise<void>;
}

interface Positions {
  streamArn: string;
  /** shardId → last sequence number handed to onAlert (or skipped as not an insert). */
  shards: Record<string, { sequenceNumber?: string; closed?: boolean }>;
}

const SHARD_REFRESH_MS = 5_000;

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'us-east-1';

const readPositions = async (file: string, streamArn: string): Promise<Positions> => {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Positions;
    // A recreated table (--reset, or a new prefix) has a new stream: old positions mean nothing there.
    if (saved.streamArn === streamArn && typeof saved.shards === 'object') return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  return { streamArn, shards: {} };
};

const writePositions = async (file: string, positions: Positions): Promise<void> => {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(positions));
  await rename(tmp, file);
};

/** What a reader of the alerts table's stream needs: its client, the stream, the positions and the settings. */
interface ReaderSetup {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly positions: Positions;
  readonly options: AlertsStreamOptions;
  readonly batchSize: number;
  readonly onError: (error: Error) => void;
}

/** Polls every shard of the stream in DescribeStream order, invoking the handler page by page. */
class StreamReader {
  readonly stats = { records: 0, invocations: 0 };
  private readonly shards: string[] = [];
  private lastShardRefresh = 0;
  /** Per shard: when records were first seen waiting for a fuller batch. */
  private readonly waitingSince = new Map<string, number>();
  stopping = false;

  constructor(private readonly s: ReaderSetup) {}

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await this.s.streams.send(
        new DescribeStreamCommand({ StreamArn: this.s.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  }

  private async openIterator(shardId: string, fromStart: boolean): Promise<string | undefined> {
    const { streamArn } = this.s;
    const after = this.s.positions.shards[shardId]?.sequenceNumber;
    const result = await this.s.streams.send(
      new GetShardIteratorCommand(
        after !== undefined && !fromStart
          ? {
              StreamArn: streamArn,
              ShardId: shardId,
              ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
              SequenceNumber: after,
            }
          : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
      ),
    );
    return result.ShardIterator;
  }

  private async refreshShards(): Promise<void> {
    this.lastShardRefresh = Date.now();
    for (const shard of await this.listShards()) {
      if (shard.ShardId !== undefined && !this.shards.includes(shard.ShardId))
        this.shards.push(shard.ShardId);
    }
  }

  private async readOnce(shardId: string): Promise<GetRecordsCommandOutput | undefined> {
    const { streams, batchSize } = this.s;
    const iterator = await this.openIterator(shardId, false);
    if (iterator === undefined) return undefined;
    try {
      return await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      if (
        (error as Error).name !== 'TrimmedDataAccessException' ||
        this.s.positions.shards[shardId] === undefined
      )
        throw error;
      // The saved position is gone (DynamoDB Local restarted or trimmed): reread the shard; the notifier drops repeats.
      this.s.onError(new Error(`alerts stream: position in ${shardId} was trimmed; rereading the shard`));
      const fromStart = await this.openIterator(shardId, true);
      return fromStart === undefined
        ? undefined
        : await streams.send(new GetRecordsCommand({ ShardIterator: fromStart, Limit: batchSize }));
    }
  }

  /** Invokes the handler with one page; false when it reported a failure (retried from it on the next poll). */
  private async deliver(
    shardId: string,
    records: NonNullable<GetRecordsCommandOutput['Records']>,
  ): Promise<boolean> {
    const { positions } = this.s;
    const event: DynamoDBStreamEvent = {
      Records: records.map((record) => toLambdaStreamRecord(record, this.s.streamArn, LOCAL_REGION)),
    };
    this.stats.invocations++;
    const response = await this.s.options.handler(event);
    const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
    const failedAt =
      failed === undefined ? -1 : records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
    // Lambda's bisect-free retry: everything before the first reported failure is done, the rest is retried.
    const handled = failed === undefined ? records : records.slice(0, Math.max(0, failedAt));
    const last = handled.at(-1)?.dynamodb?.SequenceNumber;
    if (last !== undefined) {
      positions.shards[shardId] = { sequenceNumber: last };
      this.stats.records += handled.length;
      await writePositions(this.s.options.positionFile, positions);
    }
    if (failed === undefined) return true;
    this.s.onError(new Error(`the handler reported ${failed} in ${shardId} as failed; retrying from it`));
    return false;
  }

  /** The batching window: a partial batch waits (the next poll rereads it from the saved position, fuller). */
  private waitsForFullerBatch(shardId: string, count: number): boolean {
    const windowMs = this.s.options.maxBatchingWindowMs ?? 0;
    if (count > 0 && count < this.s.batchSize && windowMs > 0) {
      const since = this.waitingSince.get(shardId) ?? Date.now();
      this.waitingSince.set(shardId, since);
      if (Date.now() - since < windowMs) return true;
    }
    this.waitingSince.delete(shardId);
    return false;
  }

  /** Reads a shard up to its current end, saving the position after each page. */
  private async pollShard(shardId: string): Promise<void> {
    const { positions } = this.s;
    while (!this.stopping) {
      const result = await this.readOnce(shardId);
      if (result === undefined) return;
      const records = result.Records ?? [];
      if (this.waitsForFullerBatch(shardId, records.length)) return;
      if (records.length > 0 && !(await this.deliver(shardId, records))) return;
      if (result.NextShardIterator === undefined || result.NextShardIterator === null) {
        positions.shards[shardId] = { ...positions.shards[shardId], closed: true };
        await writePositions(this.s.options.positionFile, positions);
        return;
      }
      if (records.length === 0) return;
    }
  }

  async loop(pollIntervalMs: number): Promise<void> {
    while (!this.stopping) {
      try {
        if (this.shards.length === 0 || Date.now() - this.lastShardRefresh > SHARD_REFRESH_MS)
          await this.refreshShards();
        // Shards in the order DescribeStream lists them: parents before their children.
        for (const shardId of this.shards) {
          if (this.stopping) break;
          if (!this.s.positions.shards[shardId]?.closed) await this.pollShard(shardId);
        }
      } catch (error) {
        if (!this.stopping) this.s.onError(error as Error);
      }
      if (!this.stopping) await sleep(pollIntervalMs);
    }
  }
}

const streamArnOf = async (options: AlertsStreamOptions, clientConfig: object): Promise<string> => {
  const dynamodb = new DynamoDBClient(clientConfig);
  const table = await dynamodb.send(new DescribeTableCommand({ TableName: options.table }));
  dynamodb.destroy();
  const streamArn = table.Table?.LatestStreamArn;
  if (streamArn === undefined)
    throw new Error(`table ${options.table} has no stream; alerts cannot be notified`);
  return streamArn;
};

/**
 * The local stand-in for Lambda's DynamoDB-stream event source: polls the alerts table's stream on DynamoDB Local
 * and invokes the notifier's handler with the event Lambda would send. Positions persist per shard, so a restart
 * resumes; a crash between an invocation and saving its position replays that batch (at-least-once, as in AWS).
 * Each poll opens a fresh iterator from the saved position: on DynamoDB Local, the iterator returned by an empty
 * read goes stale (TrimmedDataAccessException) as soon as any other table is written.
 */
export const startAlertsStream = async (options: AlertsStreamOptions): Promise<AlertsStream> => {
  const clientConfig = {
    endpoint: options.dynamodbEndpoint,
    region: LOCAL_REGION,
    credentials: localCredentials,
  };
  const streams = new DynamoDBStreamsClient(clientConfig);
  const streamArn = await streamArnOf(options, clientConfig);
  await mkdir(dirname(options.positionFile), { recursive: true });
  const positions = await readPositions(options.positionFile, streamArn);
  const batchSize = options.batchSize ?? 100;
  if (
    !Number.isInteger(batchSize) ||
    batchSize < LAMBDA_LIMITS.batchSize.min ||
    batchSize > LAMBDA_LIMITS.batchSize.max
  ) {
    throw new Error(
      `batchSize must be within ${LAMBDA_LIMITS.batchSize.min}-${LAMBDA_LIMITS.batchSize.max}, got ${batchSize}`,
    );
  }
  const onError = options.onError ?? ((error: Error) => console.error(`alerts stream: ${error.message}`));
  const reader = new StreamReader({ streams, streamArn, positions, options, batchSize, onError });
  const running = reader.loop(options.pollIntervalMs ?? 250);
  return {
    stats: reader.stats,
    async stop() {
      reader.stopping = true;
      await running;
      streams.destroy();
    },
  };
};
