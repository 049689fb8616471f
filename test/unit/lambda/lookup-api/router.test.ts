import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { callerOf, createRouter, matchPattern, pathSegments } from '#lambda/lookup-api/router.ts';
import { proxyEvent as event } from '#test/support/proxy-event.ts';

describe('pathSegments / matchPattern', () => {
  it('decodes each percent-encoded segment separately, so an encoded slash stays inside its segment', () => {
    expect(pathSegments('/devices/dvc%2F1%20a/windows/')).toEqual(['devices', 'dvc/1 a', 'windows']);
    expect(pathSegments('/')).toEqual([]);
  });

  it('rejects broken percent-encoding with a 400', () => {
    expect(() => pathSegments('/devices/%E0%A4%A')).toThrow(/percent-encoding/);
  });

  it('captures named parameters and requires the same segment count', () => {
    expect(matchPattern('/devices/{deviceId}/windows', ['devices', 'd1', 'windows'])).toEqual({
      deviceId: 'd1',
    });
    expect(matchPattern('/devices/{deviceId}', ['devices', 'd1', 'windows'])).toBeNull();
    expect(matchPattern('/rules/{ruleId}', ['devices', 'd1'])).toBeNull();
  });
});

describe('createRouter', () => {
  const seen: unknown[] = [];
  const route = createRouter<null>([
    {
      method: 'GET',
      pattern: '/things/{id}',
      query: ['a'],
      handler: async (request) => {
        seen.push(request);
        return { statusCode: 200, body: '' };
      },
    },
    { method: 'DELETE', pattern: '/things/{id}', handler: async () => ({ statusCode: 204, body: '' }) },
  ]);
  beforeEach(() => {
    seen.length = 0;
  });

  it('passes decoded params, query and body to the matching route', async () => {
    await route(event('GET', '/things/x%20y', { a: ['1'] }, 'hello'), null);
    expect(seen).toEqual([
      {
        method: 'GET',
        params: { id: 'x y' },
        query: { a: '1' },
        body: 'hello',
        caller: 'unauthenticated@unknown',
      },
    ]);
  });

  it('names the caller: the IAM principal API Gateway authenticated, else where the request came from', () => {
    const withIdentity = (identity: Record<string, unknown>) =>
      ({ ...event('GET', '/things/1'), requestContext: { identity } }) as unknown as Parameters<
        typeof callerOf
      >[0];
    expect(callerOf(withIdentity({ userArn: 'arn:aws:iam::123456789012:user/ops', caller: 'AIDA' }))).toBe(
      'arn:aws:iam::123456789012:user/ops',
    );
    expect(callerOf(withIdentity({ userArn: null, caller: 'AIDAEXAMPLE' }))).toBe('AIDAEXAMPLE');
    expect(callerOf(withIdentity({ userArn: null, caller: null, sourceIp: '127.0.0.1' }))).toBe(
      'unauthenticated@127.0.0.1',
    );
  });

  it('decodes a base64 body', async () => {
    const e = {
      ...event('GET', '/things/1'),
      body: Buffer.from('{"x":1}').toString('base64'),
      isBase64Encoded: true,
    };
    await route(e, null);
    expect(seen).toEqual([expect.objectContaining({ body: '{"x":1}' })]);
  });

  it('refuses unknown and repeated query parameters', async () => {
    await expect(route(event('GET', '/things/1', { b: ['1'] }), null)).rejects.toMatchObject({
      statusCode: 400,
      message: 'unknown query parameter "b" (allowed: a)',
    });
    await expect(route(event('GET', '/things/1', { a: ['1', '2'] }), null)).rejects.toMatchObject({
      statusCode: 400,
      message: 'query parameter "a" given more than once',
    });
  });

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    await expect(route(event('GET', '/nothing'), null)).rejects.toMatchObject({ statusCode: 404 });
    await expect(route(event('PUT', '/things/1'), null)).rejects.toMatchObject({
      statusCode: 405,
      message: 'method PUT not allowed here (allowed: GET, DELETE)',
    });
  });
});

describe('createLookupApi error mapping', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const log = vi.fn();
  const api = createLookupApi(
    {
      db,
      tables: { state: 's', registry: 'r', rules: 'u', alerts: 'a', operator: 'o' },
      now: () => Date.UTC(2026, 0, 1),
    },
    { ...silentLog, error: log },
  );
  beforeEach(() => {
    ddb.reset();
    log.mockReset();
  });

  it('answers /health without touching DynamoDB', async () => {
    const result = await api(event('GET', '/health'));
    expect(result).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['GET', '/devices/%07bell', null, 'deviceId must be 1-128 printable characters'],
    ['GET', `/devices/${'x'.repeat(129)}`, null, 'deviceId must be 1-128 printable characters'],
    ['GET', '/devices', { limit: ['0'] }, 'limit must be an integer from 1 to 100'],
    ['GET', '/devices', { limit: ['101'] }, 'limit must be an integer from 1 to 100'],
    ['GET', '/devices', { limit: ['ten'] }, 'limit must be an integer from 1 to 100'],
    [
      'GET',
      '/devices',
      { cursor: ['!!'] },
      'cursor is invalid for this query; use the cursor returned by the previous page',
    ],
    [
      'GET',
      '/devices',
      { colour: ['red'] },
      'unknown query parameter "colour" (allowed: status, model, limit, cursor)',
    ],
    [
      'GET',
      '/devices/d1/windows',
      { from: ['yesterday'] },
      expect.stringMatching(/^from must be an ISO 8601 time/),
    ],
    [
      'GET',
      '/devices/d1/windows',
      { from: ['2026-01-02T00:00:00Z'], to: ['2026-01-01T00:00:00Z'] },
      'from must not be after to',
    ],
    [
      'GET',
      '/devices/d1/windows',
      { from: ['2026-01-01T00:00:00Z'], to: ['2026-01-02T00:00:01Z'] },
      'from..to may span at most 24 hours',
    ],
    [
      'GET',
      '/alerts',
      { since: ['2025-11-01T00:00:00Z'] },
      'since may reach back at most 31 days unless deviceId is given',
    ],
    [
      'GET',
      '/alerts',
      { since: ['2026-02-30T00:00:00Z'] },
      expect.stringMatching(/^since must be an ISO 8601 time/),
    ],
    ['PUT', '/rules/r1', null, 'body must be a rule document (JSON)'],
  ])('%s %s %j → 400 %s', async (method, path, query, reason) => {
    const result = await api(event(method, path, query as Record<string, string[]> | null));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: reason });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['{not json', 'body is not valid JSON'],
    ['[1]', 'body must be a JSON object'],
    ['{"ruleId":"other"}', 'ruleId in the body ("other") does not match the path ("r1")'],
    [
      '{"when":{"field":"cpuusage","op":">","value":90}}',
      'invalid rule: severity must be one of info, warning, critical',
    ],
  ])('PUT /rules/r1 %s → 400 %s', async (body, reason) => {
    const result = await api(event('PUT', '/rules/r1', null, body));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: reason });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['constructor', 'unknown query parameter "constructor" (allowed: status, model, limit, cursor)'],
    ['__proto__', 'unknown query parameter "__proto__" (allowed: status, model, limit, cursor)'],
    ['toString', 'unknown query parameter "toString" (allowed: status, model, limit, cursor)'],
  ])('refuses a query parameter named %s as unknown (never Object.prototype)', async (name, reason) => {
    const query = JSON.parse(`{${JSON.stringify(name)}:["x"]}`);
    const result = await api(event('GET', '/devices', query));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: reason });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    [
      'a pk too long for DynamoDB',
      { pk: `DEVICE#${'x'.repeat(3000)}`, sk: 'STATE', status: 'down', deviceId: 'x' },
    ],
    ['a pk of another device', { pk: 'DEVICE#b', sk: 'STATE', status: 'down', deviceId: 'a' }],
    [
      'a device id longer than the record contract allows',
      { pk: `DEVICE#${'x'.repeat(129)}`, sk: 'STATE', status: 'down', deviceId: 'x'.repeat(129) },
    ],
    ['a window key', { pk: 'DEVICE#a', sk: 'W#2026-11-21T10:00Z', status: 'down', deviceId: 'a' }],
    ['another status', { pk: 'DEVICE#a', sk: 'STATE', status: 'up', deviceId: 'a' }],
    ['an unpaired surrogate', { pk: 'DEVICE#\ud800', sk: 'STATE', status: 'down', deviceId: '\ud800' }],
    ['a __proto__ attribute', JSON.parse('{"__proto__":"x","sk":"STATE","status":"down","deviceId":"a"}')],
  ])('refuses a forged cursor with %s', async (_name, key) => {
    const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
    const result = await api(event('GET', '/devices', { status: ['down'], cursor: [cursor] }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: 'cursor is invalid for this query; use the cursor returned by the previous page',
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('hides unexpected errors behind a generic 500 and logs the details', async () => {
    ddb.on(GetCommand).rejects(new Error('socket hang up'));
    const result = await api(event('GET', '/devices/d1'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'internal error' });
    expect(log).toHaveBeenCalledWith(
      'lookup-api request failed',
      expect.objectContaining({
        path: '/devices/d1',
        error: expect.objectContaining({ message: 'socket hang up' }),
      }),
    );
  });

  it('answers 404 for a device that does not exist', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await api(event('GET', '/devices/nobody'));
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({ error: 'device nobody not found' });
  });
});
