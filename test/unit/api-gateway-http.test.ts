import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { toProxyEvent } from '../../lambda/adapters/api-gateway-http.ts';

const request = (url: string, headers: Record<string, string> = {}) =>
  ({ url, method: 'GET', headers }) as unknown as IncomingMessage;

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
