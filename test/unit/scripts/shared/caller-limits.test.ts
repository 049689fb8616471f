import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type CallerLimits, callerLimitMessage } from '#core/contract/index.ts';
import { createCallerLimiter } from '#scripts/shared/caller-limits.ts';

const LIMITS: CallerLimits = { requestsPerWindow: 12, unfilteredListingsPerWindow: 10, windowSeconds: 60 };
const request = (url: string, from = '10.0.0.1', method = 'GET') =>
  ({ method, url, socket: { remoteAddress: from } }) as unknown as IncomingMessage;

describe('local per-caller limits (the WAF rules, modelled)', () => {
  it('counts a listing refused by the listing rule against neither rule afterwards (WAF stops at a block)', () => {
    const limiter = createCallerLimiter(LIMITS, () => 0);
    for (let i = 0; i < 10; i++) expect(limiter.check(request('/devices'))).toBeUndefined();
    for (let i = 0; i < 5; i++)
      expect(limiter.check(request('/devices'))).toBe(callerLimitMessage('unfilteredListings', LIMITS));
    // 10 requests counted by the request rule so far: two more pass, the third is over.
    expect(limiter.check(request('/fleet'))).toBeUndefined();
    expect(limiter.check(request('/devices?status=down'))).toBeUndefined();
    expect(limiter.check(request('/fleet'))).toBe(callerLimitMessage('requests', LIMITS));
  });

  it('treats a listing with status or model as filtered, and other methods or paths as not listings', () => {
    const limiter = createCallerLimiter(
      { ...LIMITS, requestsPerWindow: 100, unfilteredListingsPerWindow: 10 },
      () => 0,
    );
    for (const url of ['/devices?model=x', '/devices?status=down&limit=5', '/devices/d1', '/fleet'])
      for (let i = 0; i < 11; i++) expect(limiter.check(request(url))).toBeUndefined();
    for (let i = 0; i < 11; i++)
      expect(limiter.check(request('/devices', '10.0.0.1', 'POST'))).toBeUndefined();
    for (let i = 0; i < 10; i++) expect(limiter.check(request('/devices?limit=5'))).toBeUndefined();
    expect(limiter.check(request('/devices?limit=5'))).toBeDefined();
  });

  it('keeps a separate count per source address and forgets requests older than the window', () => {
    let now = 0;
    const limiter = createCallerLimiter(LIMITS, () => now);
    for (let i = 0; i < 12; i++) limiter.check(request('/fleet', '10.0.0.1'));
    expect(limiter.check(request('/fleet', '10.0.0.1'))).toBeDefined();
    expect(limiter.check(request('/fleet', '10.0.0.2'))).toBeUndefined();
    now = 59_000;
    expect(limiter.check(request('/fleet', '10.0.0.1'))).toBeDefined();
    now = 61_000;
    expect(limiter.check(request('/fleet', '10.0.0.1'))).toBeUndefined();
  });
});
