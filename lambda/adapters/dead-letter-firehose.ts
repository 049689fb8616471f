/**
 * Dead-letter sink on Firehose (delivered to the lake's dead-letter/ prefix): PutRecordBatch with at most
 * 500 records / 4 MiB per call; entries Firehose reports as failed are retried with backoff, then the batch fails.
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { DeadLetter } from '#core/dead-letter.ts';
import type { DeadLetterSink } from '../state-processor/ports.ts';
import { type BackoffOptions, isRetryable, RetryableError, withBackoff } from './backoff.ts';

const MAX_RECORDS = 500;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Firehose's record limit is 1,000 KiB; keep a margin. */
const MAX_RECORD_BYTES = 1000 * 1024 - 1024;

/** One newline-terminated JSON line; a value too big for one Firehose record is cut and flagged as truncated. */
export const deadLetterLine = (letter: DeadLetter, maxBytes = MAX_RECORD_BYTES): Buffer => {
  const line = Buffer.from(`${JSON.stringify(letter)}\n`);
  if (line.byteLength <= maxBytes) return line;
  const valueBytes = Buffer.from(letter.value, 'base64').byteLength;
  const room = Math.max(0, maxBytes - (line.byteLength - letter.value.length) - 200);
  const value = letter.value.slice(0, room - (room % 4));
  return Buffer.from(`${JSON.stringify({ ...letter, value, truncated: true, valueBytes })}\n`);
};

/** Splits lines into PutRecordBatch calls within the record-count and size limits. */
export const firehoseBatches = (lines: readonly Buffer[]): Buffer[][] => {
  const batches: Buffer[][] = [];
  let current: Buffer[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (current.length === MAX_RECORDS || (current.length > 0 && bytes + line.byteLength > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += line.byteLength;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

export class FirehoseDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: FirehoseClient,
    private readonly stream: string,
    private readonly backoff: BackoffOptions = {},
  ) {}

  async write(letters: readonly DeadLetter[]): Promise<void> {
    for (const batch of firehoseBatches(letters.map((l) => deadLetterLine(l)))) {
      let pending = batch;
      await withBackoff(
        async () => {
          const out = await this.client.send(
            new PutRecordBatchCommand({
              DeliveryStreamName: this.stream,
              Records: pending.map((Data) => ({ Data })),
            }),
          );
          if (!out.FailedPutCount) return;
          const responses = out.RequestResponses ?? [];
          pending = pending.filter((_, i) => responses[i]?.ErrorCode !== undefined);
          throw new RetryableError(
            `${out.FailedPutCount} dead-letter records failed: ${responses.find((r) => r.ErrorCode)?.ErrorCode}`,
          );
        },
        (error) => isRetryable(error) || (error as Error).name === 'ServiceUnavailableException',
        this.backoff,
      );
    }
  }
}

export const createFirehoseClient = (): FirehoseClient => new FirehoseClient({});
