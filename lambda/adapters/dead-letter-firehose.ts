/**
 * Dead-letter sink on Firehose (delivered to the lake's dead-letter/ prefix): PutRecordBatch with at most
 * 500 records / 4 MiB per call; entries Firehose reports as failed are retried with backoff, then the batch fails.
 * At least once: a retried batch writes its dead-letters again, with the same `id` for readers to de-duplicate.
 */

import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { FIREHOSE_LIMITS } from '#core/contract/index.ts';
import type { DeadLetter } from '#core/dead-letter.ts';
import { deadLetterJson, MAX_DEAD_LETTER_LINE_BYTES } from '#core/dead-letter-line.ts';
import type { DeadLetterSink } from '#core/ports.ts';
import { type BackoffOptions, isRetryable, RetryableError, withBackoff } from './backoff.ts';
import { sdkClientConfig } from './sdk-client-config.ts';

const { recordsPerBatch: MAX_RECORDS, batchBytes: MAX_BATCH_BYTES } = FIREHOSE_LIMITS;

/** One newline-terminated JSON line within Firehose's record limit (key and value cut and flagged when too big). */
export const deadLetterLine = (letter: DeadLetter, maxBytes = MAX_DEAD_LETTER_LINE_BYTES): Buffer =>
  Buffer.from(`${deadLetterJson(letter, maxBytes)}\n`);

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

export const createFirehoseClient = (): FirehoseClient => new FirehoseClient(sdkClientConfig('firehose'));
