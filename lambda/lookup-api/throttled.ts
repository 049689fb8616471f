/**
 * DynamoDB refusing a read because a table is at its capacity: its configured on-demand maximum (guardrails.tables,
 * reason `MaxOnDemandThroughputExceeded`), a hot partition, or the account quota. Not the client's fault and not a bug:
 * the API answers 503 with a reason to retry, after the SDK's own retries gave up.
 */
const THROTTLE_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

export const isThrottled = (error: unknown): boolean =>
  error instanceof Error && THROTTLE_ERRORS.has(error.name);

export const THROTTLED_MESSAGE = 'the device tables are at their configured read capacity; retry shortly';
