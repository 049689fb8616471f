/**
 * The HTTPS ingest route (`POST /ingest`): its bounds, the idempotency window and the idempotency table. The Lambda,
 * the CDK construct, the local runtime, the OpenAPI document's tests and the cost model read them from here.
 */
import { ENV } from './env.ts';
import type { TableSpec } from './tables.ts';

export const INGEST_PATH = '/ingest';
/** Records per request at most; more is a 413. */
export const INGEST_MAX_RECORDS = 1_000;
/** Body bytes at most (UTF-8, as posted); more is a 413. Below API Gateway's 10 MB and Lambda's 6 MB payload. */
export const INGEST_MAX_BYTES = 1_048_576;
/** The optional header that makes a retried request a no-op; its value: 1–128 printable ASCII characters. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_RULE = /^[\x21-\x7e]{1,128}$/;
/** How long a completed request's answer is replayed for its key (the table's TTL keeps items a little longer). */
export const IDEMPOTENCY_WINDOW_SECONDS = 3_600;
/** A key whose first request has not answered within this time may be claimed again (function timeout + margin). */
export const IDEMPOTENCY_IN_PROGRESS_SECONDS = 60;
/** The ingest function's timeout: one Kafka batch, acks=all, with retries. */
export const INGEST_TIMEOUT_SECONDS = 30;

export const IDEMPOTENCY_TABLE: TableSpec = {
  envVar: ENV.idempotencyTable,
  partitionKey: 'pk',
  timeToLiveAttribute: 'expiresAt',
  indexes: [],
};
