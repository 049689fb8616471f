import type { IncomingMessage } from 'node:http';
import { type CallerLimits, callerLimitMessage, UNFILTERED_LISTING } from '#core/contract/index.ts';

/**
 * The lookup API's per-caller limits on the local API server, modelled on the AWS WAF rate-based rules the stack puts
 * in front of the API stage (lib/constructs/api-caller-limits.ts): requests are counted per source address over a
 * sliding window of `windowSeconds`; the rules are evaluated in WAF's order (unfiltered listings first) and a request
 * blocked by one is not counted by the next; a request past a limit is answered 429 with the reason. Differences from
 * WAF: this counts exactly and blocks at once, where WAF "applies rate limiting near the limit" and checks the rate
 * every few seconds, so in AWS a flood gets a little past the limit before the first 429.
 */
export interface CallerLimiter {
  /** The reason to refuse this request with a 429, or undefined to let it through (and count it). */
  check(request: IncomingMessage): string | undefined;
}

/** Request counts of one rule, per source address, in one-second buckets. */
class WindowCounter {
  private readonly buckets = new Map<string, Map<number, number>>();

  constructor(private readonly windowSeconds: number) {}

  /** Counts a request of `caller` at `second` and answers the count over the window, this request included. */
  add(caller: string, second: number): number {
    const counts = this.buckets.get(caller) ?? new Map<number, number>();
    this.buckets.set(caller, counts);
    counts.set(second, (counts.get(second) ?? 0) + 1);
    let total = 0;
    for (const [bucket, count] of counts) {
      if (bucket <= second - this.windowSeconds) counts.delete(bucket);
      else total += count;
    }
    return total;
  }
}

const isUnfilteredListing = (request: IncomingMessage): boolean => {
  if (request.method !== UNFILTERED_LISTING.method) return false;
  const url = new URL(request.url ?? '/', 'http://local');
  return (
    url.pathname === UNFILTERED_LISTING.path &&
    UNFILTERED_LISTING.filterParameters.every((name) => !url.searchParams.has(name))
  );
};

/** `now` in epoch milliseconds (injectable for tests). */
export const createCallerLimiter = (limits: CallerLimits, now: () => number = Date.now): CallerLimiter => {
  const listings = new WindowCounter(limits.windowSeconds);
  const requests = new WindowCounter(limits.windowSeconds);
  return {
    check(request) {
      const caller = request.socket.remoteAddress ?? 'unknown';
      const second = Math.floor(now() / 1000);
      if (isUnfilteredListing(request) && listings.add(caller, second) > limits.unfilteredListingsPerWindow)
        return callerLimitMessage('unfilteredListings', limits);
      if (requests.add(caller, second) > limits.requestsPerWindow)
        return callerLimitMessage('requests', limits);
      return undefined;
    },
  };
};
