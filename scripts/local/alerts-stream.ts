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
  const dynamodb = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const table = await dynamodb.send(new DescribeTableCommand({ TableName: options.table }));
  dynamodb.destroy();
  const streamArn = table.Table?.LatestStreamArn;
  if (streamArn === undefined)
    throw new Error(`table ${options.table} has no stream; alerts cannot be notified`);

  await mkdir(dirname(options.positionFile), { recursive: true });
  const positions = await readPositions(options.positionFile, streamArn);
  const shards: string[] = [];
  const stats = { records: 0, invocations: 0 };
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(`batchSize must be within 1-10000, got ${batchSize}`);
  }
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const windowMs = options.maxBatchingWindowMs ?? 0;
  // Per shard: when records were first seen waiting for a fuller batch.
  const waitingSince = new Map<string, number>();
  const onError = options.onError ?? ((error: Error) => console.error(`alerts stream: ${error.message}`));
  let stopping = false;
  let lastShardRefresh = 0;

  const listShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  };

  const openIterator = async (shardId: string, fromStart: boolean): Promise<string | undefined> => {
    const after = positions.shards[shardId]?.sequenceNumber;
    const result = await streams.send(
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
  };

  const refreshShards = async () => {
    lastShardRefresh = Date.now();
    for (const shard of await listShards()) {
      if (shard.ShardId !== undefined && !shards.includes(shard.ShardId)) shards.push(shard.ShardId);
    }
  };

  const readOnce = async (shardId: string): Promise<GetRecordsCommandOutput | undefined> => {
    const iterator = await openIterator(shardId, false);
    if (iterator === undefined) return undefined;
    try {
      return await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      if ((error as Error).name !== 'TrimmedDataAccessException' || positions.shards[shardId] === undefined)
        throw error;
      // The saved position is gone (DynamoDB Local restarted or trimmed): reread the shard; the notifier drops repeats.
      onError(new Error(`alerts stream: position in ${shardId} was trimmed; rereading the shard`));
      const fromStart = await openIterator(shardId, true);
      return fromStart === undefined
        ? undefined
        : await streams.send(new GetRecordsCommand({ ShardIterator: fromStart, Limit: batchSize }));
    }
  };

  /** Reads a shard up to its current end, saving the position after each page. */
  const pollShard = async (shardId: string): Promise<void> => {
    while (!stopping) {
      const result = await readOnce(shardId);
      if (result === undefined) return;
      const records = result.Records ?? [];
      if (records.length > 0 && records.length < batchSize && windowMs > 0) {
        // The batching window: a partial batch waits (the next poll rereads it from the saved position, fuller).
        const since = waitingSince.get(shardId) ?? Date.now();
        waitingSince.set(shardId, since);
        if (Date.now() - since < windowMs) return;
      }
      waitingSince.delete(shardId);
      if (records.length > 0) {
        const event: DynamoDBStreamEvent = {
          Records: records.map((record) => toLambdaStreamRecord(record, streamArn, LOCAL_REGION)),
        };
        stats.invocations++;
        const response = await options.handler(event);
        const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
        const failedAt =
          failed === undefined ? -1 : records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
        // Lambda's bisect-free retry: everything before the first reported failure is done, the rest is retried.
        const handled = failed === undefined ? records : records.slice(0, Math.max(0, failedAt));
        const last = handled.at(-1)?.dynamodb?.SequenceNumber;
        if (last !== undefined) {
          positions.shards[shardId] = { sequenceNumber: last };
          stats.records += handled.length;
          await writePositions(options.positionFile, positions);
        }
        if (failed !== undefined) {
          onError(new Error(`the handler reported ${failed} in ${shardId} as failed; retrying from it`));
          return;
        }
      }
      if (result.NextShardIterator === undefined || result.NextShardIterator === null) {
        positions.shards[shardId] = { ...positions.shards[shardId], closed: true };
        await writePositions(options.positionFile, positions);
        return;
      }
      if (records.length === 0) return;
    }
  };

  const loop = async () => {
    while (!stopping) {
      try {
        if (shards.length === 0 || Date.now() - lastShardRefresh > SHARD_REFRESH_MS) await refreshShards();
        // Shards in the order DescribeStream lists them: parents before their children.
        for (const shardId of shards) {
          if (stopping) break;
          if (!positions.shards[shardId]?.closed) await pollShard(shardId);
        }
      } catch (error) {
        if (!stopping) onError(error as Error);
      }
      if (!stopping) await sleep(pollIntervalMs);
    }
  };

  const running = loop();
  return {
    stats,
    async stop() {
      stopping = true;
      await running;
      streams.destroy();
    },
  };
};
