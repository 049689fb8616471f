/**
 * The SDK retry strategy of every client (sdk-client-config.ts): the standard mode's rules (retry throttling and
 * transient errors — 500/502/503/504, reset or timed-out connections — with exponential backoff and full jitter, at
 * most `maxAttempts` attempts) without its retry quota. The quota (500 tokens, 14 per transient retry, only the last
 * retry's 14 back on success, 1 per first-try success) is a circuit breaker for long-lived clients shared by many
 * callers; in a Lambda writing one batch, a run of retries that fail again empties it and every later request gets
 * one attempt (issue 25: failed invocations reported `"attempts":1`). Here each request keeps its own bounded budget;
 * the batch fails (and Lambda retries it) only when one request exhausts it.
 */
import type { SdkClientSettings } from '#core/contract/sdk-clients.ts';

/** Structurally the SDK's `RetryErrorInfo` / `RetryToken` (@smithy/types), without importing a transitive package. */
export interface RetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

const RETRYABLE = new Set<RetryErrorInfo['errorType']>(['TRANSIENT', 'THROTTLING']);

const token = (count: number, delayMs: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delayMs,
});

export class BoundedRetryStrategy {
  /** Reported in the SDK's user agent. */
  readonly mode = 'standard';

  constructor(
    private readonly settings: SdkClientSettings,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = previous.getRetryCount() + 1;
    if (!RETRYABLE.has(info.errorType) || retry >= this.settings.maxAttempts)
      throw new Error('No retry token available');
    const { baseDelayMs, throttlingBaseDelayMs, maxDelayMs } = this.settings;
    const base = info.errorType === 'THROTTLING' ? throttlingBaseDelayMs : baseDelayMs;
    let delay = Math.floor(this.random() * Math.min(maxDelayMs, base * 2 ** retry));
    // A Retry-After hint is honoured up to the cap.
    if (info.retryAfterHint instanceof Date)
      delay = Math.max(delay, Math.min(maxDelayMs, info.retryAfterHint.getTime() - this.now()));
    return token(retry, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}
