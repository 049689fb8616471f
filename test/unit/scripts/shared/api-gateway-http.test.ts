import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BadRequestTarget, toProxyEvent } from '#scripts/shared/api-gateway-http.ts';

const request = (url: string, headers: Record<string, string> = {}) =>
  ({ url, method: 'GET', httpVersion: '1.1', headers }) as unknown as IncomingMessage;

describe('toProxyEvent', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'carries a query parameter named %s as data, like API Gateway',
    (name) => {
      const event = toProxyEvent(request(`/devices?${name}=a&${name}=b&limit=2`), Buffer.alloc(0));
      expect(Object.hasOwn(event.multiValueQueryStringParameters ?? {}, name)).toBe(true);
      expect(event.multiValueQueryStringParameters?.[name]).toEqual(['a', 'b']);
      expect(event.queryStringParameters?.[name]).toBe('b');
      expect(Object.keys(event.queryStringParameters ?? {}).sort()).toEqual([name, 'limit'].sort());
    },
  );

  it('carries headers named like prototype members as data', () => {
    const headers = JSON.parse('{"__proto__":"p","constructor":"c","host":"h"}');
    const event = toProxyEvent(request('/health', headers), Buffer.alloc(0));
    expect(Object.keys(event.headers).sort()).toEqual(['__proto__', 'constructor', 'host']);
    expect(event.multiValueHeaders.constructor).toEqual(['c']);
  });

  it('keeps a path that starts with // a path (it was resolved as a host, then a 500)', () => {
    const event = toProxyEvent(request('//%2F/devices?limit=1'), Buffer.alloc(0));
    expect(event.path).toBe('//%2F/devices');
    expect(event.queryStringParameters).toEqual({ limit: '1' });
  });

  it.each(['*', 'http://elsewhere/devices', 'devices'])(
    'refuses the request target %s as a bad request',
    (target) => {
      expect(() => toProxyEvent(request(target), Buffer.alloc(0))).toThrow(BadRequestTarget);
    },
  );
});

describe('toProxyEvent with prototype names from the client', () => {
  it('keeps ?__proto__= and ?constructor= as ordinary query parameters (it threw before)', () => {
    const event = toProxyEvent(
      request('/devices?__proto__=a&constructor=b&constructor=c&toString=d'),
      Buffer.alloc(0),
    );
    expect(Object.entries(event.queryStringParameters ?? {})).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'c'],
      ['toString', 'd'],
    ]);
    expect(Object.entries(event.multiValueQueryStringParameters ?? {})).toEqual([
      ['__proto__', ['a']],
      ['constructor', ['b', 'c']],
      ['toString', ['d']],
    ]);
  });
});
