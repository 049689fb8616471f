/**
 * Cost and abuse caps that more than one runtime must agree on (issue 25): the load generator's parameter bounds (set
 * by CDK, enforced by the function) and the per-caller API limits (WAF rate-based rules in AWS, the same rules on the
 * local API server). Configured under `guardrails` in cdk.json (lib/config/guardrails.ts); these are the defaults.
 */

/** Bounds on one load-generator invocation (`npm run generate -- --remote`). */
export interface LoadGeneratorLimits {
  /** Largest fleet one invocation may simulate (every device id is a new item forever). */
  readonly maxDevices: number;
  /** Records per second over all devices; an absent or 0 rate runs at this rate, never unbounded. */
  readonly maxRate: number;
  /** Largest `count` of records one invocation may send. */
  readonly maxCount: number;
}

export const LOAD_GENERATOR_LIMITS: LoadGeneratorLimits = {
  maxDevices: 100_000,
  maxRate: 20_000,
  maxCount: 20_000_000,
};

/** WAF rate-based rule evaluation windows (seconds): the only values WAF accepts. */
export const CALLER_LIMIT_WINDOWS = [60, 120, 300, 600] as const;
export type CallerLimitWindow = (typeof CALLER_LIMIT_WINDOWS)[number];
/** WAF's smallest rate limit per window. */
export const CALLER_LIMIT_MIN = 10;

/** Per-caller (source IP) API limits: every request, and a lower one for unfiltered `GET /devices`. */
export interface CallerLimits {
  /** Requests of one source address per window, on any route. */
  readonly requestsPerWindow: number;
  /** Unfiltered `GET /devices` (no status or model: a table scan) of one source address per window. */
  readonly unfilteredListingsPerWindow: number;
  readonly windowSeconds: CallerLimitWindow;
}

export const CALLER_LIMITS: CallerLimits = {
  requestsPerWindow: 3000,
  unfilteredListingsPerWindow: 300,
  windowSeconds: 300,
};

/** The route the lower limit applies to: a listing without any of these query parameters scans the table. */
export const UNFILTERED_LISTING = {
  method: 'GET',
  path: '/devices',
  filterParameters: ['status', 'model'],
} as const;

/** The answer to a caller over a limit (HTTP 429 `{"error": …}`), in AWS (WAF custom response) and locally. */
export const callerLimitMessage = (kind: 'requests' | 'unfilteredListings', limits: CallerLimits): string =>
  kind === 'requests'
    ? `rate limit: more than ${limits.requestsPerWindow} requests in ${limits.windowSeconds} s from this address; retry later`
    : `rate limit: more than ${limits.unfilteredListingsPerWindow} unfiltered GET /devices in ${limits.windowSeconds} s ` +
      'from this address; filter by status or model, or retry later';
