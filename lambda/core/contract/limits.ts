/**
 * AWS service limits the code checks or sizes against, each written once: CDK constructs, the config parser, the
 * Lambda handlers, the local runtime, the bench and the cost model import them from here.
 */

/** AWS Lambda quotas for a function and its Kafka (MSK / self-managed) event source mapping. */
export const LAMBDA_LIMITS = {
  /** Records per invocation (`BatchSize`). */
  batchSize: { min: 1, max: 10_000 },
  /** How long the poller gathers records before invoking (`MaximumBatchingWindowInSeconds`). */
  batchingWindowSeconds: { min: 0, max: 300 },
  /** Function memory, MB. */
  memoryMb: { min: 128, max: 10_240 },
  /** Function timeout, seconds. */
  timeoutSeconds: { min: 1, max: 900 },
} as const;

/** Amazon Data Firehose limits of one PutRecordBatch call. */
export const FIREHOSE_LIMITS = {
  recordsPerBatch: 500,
  batchBytes: 4 * 1024 * 1024,
} as const;

/** Amazon DynamoDB limits. */
export const DYNAMODB_LIMITS = {
  /** Items in one TransactWriteItems (each item at most once). */
  itemsPerTransaction: 100,
  /** Bytes of one transaction in all. */
  transactionBytes: 4 * 1024 * 1024,
  /** Bytes of one item (names and values). */
  itemBytes: 400 * 1024,
  /** Keys in one BatchGetItem call. */
  batchGetKeys: 100,
} as const;
