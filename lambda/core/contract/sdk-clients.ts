/**
 * Retry and timeout settings of every AWS SDK client the functions create (lambda/adapters/sdk-client-config.ts
 * applies them), defined once so the infrastructure tests can hold them against the function timeouts.
 * Reasoning: docs/OPERATIONS.md "SDK retries and timeouts".
 */

export interface SdkClientSettings {
  /** Attempts per request, the first included (SDK `maxAttempts`). */
  readonly maxAttempts: number;
  /** Backoff before retry n: uniform in [0, min(maxDelayMs, base · 2^n)) (full jitter). */
  readonly baseDelayMs: number;
  /** Base for throttling errors, which need more room than a reset connection. */
  readonly throttlingBaseDelayMs: number;
  readonly maxDelayMs: number;
  /** TCP + TLS connect. */
  readonly connectionTimeoutMs: number;
  /** Whole request, from sending to the last byte of the answer (also the socket idle timeout). */
  readonly requestTimeoutMs: number;
}

export type SdkService = 'dynamodb' | 'firehose' | 'sns';

export const SDK_CLIENT_SETTINGS: Readonly<Record<SdkService, SdkClientSettings>> = Object.freeze({
  // Single-digit-ms service: 3 s is a hung connection, not a slow answer (a 100-item transaction takes ~100 ms).
  // Also the lookup API's client: the worst case (24 s) stays under API Gateway's 29 s and the 30 s function timeout.
  dynamodb: {
    maxAttempts: 5,
    baseDelayMs: 25,
    throttlingBaseDelayMs: 100,
    maxDelayMs: 1_000,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 3_000,
  },
  // PutRecordBatch carries up to 4 MiB. Worst case 42 s, inside the processor's 120 s.
  firehose: {
    maxAttempts: 4,
    baseDelayMs: 50,
    throttlingBaseDelayMs: 200,
    maxDelayMs: 2_000,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 8_000,
  },
  // The notifier's Publish: worst case 22 s, inside its 30 s timeout.
  sns: {
    maxAttempts: 4,
    baseDelayMs: 50,
    throttlingBaseDelayMs: 200,
    maxDelayMs: 2_000,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 3_000,
  },
});

/**
 * Request timeout against DynamoDB Local (npm start, tests, bench): on a shared laptop a 100-item transaction can take
 * seconds under load, which is not the hung connection the AWS timeout is there to cut.
 */
export const LOCAL_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The longest one SDK call can take before it gives up: every attempt hangs to both timeouts and every backoff is
 * the longest. Must stay well under the timeout of the functions that make the call.
 */
export const worstCaseCallMs = (s: SdkClientSettings): number =>
  s.maxAttempts * (s.connectionTimeoutMs + s.requestTimeoutMs) + (s.maxAttempts - 1) * s.maxDelayMs;
