/**
 * Bounded exponential backoff with full jitter for transient AWS errors (throttling, transaction conflicts).
 * When the attempts run out the error is thrown, so the whole batch is retried by Lambda.
 */
import { FleetStreamError } from '#core/errors.ts';
export interface BackoffOptions {
  /** Total attempts including the first. @default 8 */
  attempts?: number;
  /** @default 25 */
  baseMs?: number;
  /** @default 2_000 */
  maxMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

const isThrottling = (error: unknown): boolean =>
  error instanceof Error &&
  (THROTTLING_ERRORS.has(error.name) || error.name === 'TransactionConflictException');

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Delay before retry number `attempt` (1-based): uniform in [0, min(max, base·2^attempt)). */
export const backoffDelay = (attempt: number, options: BackoffOptions = {}): number => {
  const cap = Math.min(options.maxMs ?? 2_000, (options.baseMs ?? 25) * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * cap);
};

export const withBackoff = async <T>(
  operation: (attempt: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  options: BackoffOptions = {},
  onRetry?: (error: unknown) => void,
): Promise<T> => {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      onRetry?.(error);
      await sleep(backoffDelay(attempt, options));
    }
  }
};

/** A transient condition that is not an SDK error (unprocessed items, failed Firehose entries). */
export class RetryableError extends FleetStreamError {
  override readonly name = 'RetryableError';
}

export const isRetryable = (error: unknown): boolean =>
  isThrottling(error) || error instanceof RetryableError;
