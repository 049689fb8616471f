import { request as httpRequest } from 'node:http';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { deviceKey, fleetDevicesKey, fleetItemKey } from '#core/items/keys.ts';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { RULE_LIMITS } from '#lambda/lookup-api/rule-document.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { type ApiServer, startApiServer } from '#scripts/shared/api-gateway-http.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

// The API abuse test: generated hostile requests (paths, query strings, bodies, cursors, methods, headers) over real
// HTTP through the local API Gateway adapter to DynamoDB Local. Nothing a client sends may produce a 5xx; every error
// is JSON `{"error": "..."}`; the server stays healthy.

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const names = localTableNames(uniquePrefix('abuse'));
let db: DynamoDBDocumentClient;
let server: ApiServer;
const serverErrors: unknown[] = [];

interface Reply {
  status: number;
  text: string;
}

interface ClientRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** One raw HTTP/1.1 request (node:http, not fetch: fetch would normalize the hostile paths we want to send). */
const send = ({ method, path, headers, body }: ClientRequest): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    // The server may answer (413) and close before a huge body is fully sent; the answer is what counts.
    request.on('error', reject);
    request.end(body);
  });

const device = (deviceId: string, model: string, status: string) => ({
  ...deviceKey(deviceId),
  deviceId,
  model,
  interface: 'eth0',
  status,
  cpuUsage: 5,
  memoryUsage: 10,
  eventTime: '2026-11-21T11:59:00.000Z',
  firstSeen: '2026-11-21T10:00:00.000Z',
  lastSeen: '2026-11-21T11:59:00.000Z',
  recordCount: 1,
  downCount: 0,
  cpuMin: 5,
  cpuMax: 5,
  cpuSum: 5,
  memoryMin: 10,
  memoryMax: 10,
  memorySum: 10,
  interfaces: ['eth0'],
  firing: [],
  offsets: {},
  version: 1,
});

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  await createTables(localDynamoDb(endpoint), names);
  db = createDocumentClient(endpoint);
  const raw = localDynamoDb(endpoint);
  const put = (TableName: string, Item: object) =>
    db.send(new PutCommand({ TableName, Item: Item as never }));
  const keyAttributes = ({ pk, sk }: { pk: string; sk: string }) => ({ pk: { S: pk }, sk: { S: sk } });
  const counts = (byName: Record<string, number>): AttributeValue => ({
    M: Object.fromEntries(Object.entries(byName).map(([name, n]) => [name, { N: String(n) }])),
  });
  // Data named like prototype members (valid records may carry such models and statuses). Not `__proto__` as a map key:
  // the SDK's own marshall/unmarshall drop such a key silently (util-dynamodb assigns it as a prototype).
  await Promise.all([
    put(names.state, device('d01', 'EVG2000', 'down')),
    put(names.state, device('constructor', '__proto__', 'toString')),
    put(names.state, device('d03', 'constructor', 'down')),
    // Written as raw attribute values: lib-dynamodb's marshall refuses a map with a "constructor" key.
    raw.send(
      new PutItemCommand({
        TableName: names.state,
        Item: {
          ...keyAttributes(fleetItemKey('modem-telemetry', 0)),
          topic: { S: 'modem-telemetry' },
          partition: { N: '0' },
          records: { N: '3' },
          byModel: counts({ EVG2000: 1, valueOf: 1, constructor: 1 }),
          offset: { N: '2' },
          version: { N: '1' },
        },
      }),
    ),
    raw.send(
      new PutItemCommand({
        TableName: names.state,
        Item: {
          ...keyAttributes(fleetDevicesKey(1)),
          devices: { N: '3' },
          byStatus: counts({ down: 2, toString: 1 }),
          byModelDevices: counts({ EVG2000: 1, valueOf: 1, constructor: 1 }),
          byModelDown: counts({ EVG2000: 1, constructor: 1 }),
          version: { N: '1' },
        },
      }),
    ),
    raw.send(
      new PutItemCommand({
        TableName: names.registry,
        Item: { deviceId: { S: 'd01' }, constructor: { S: 'x' }, tier: { S: 'gold' } },
      }),
    ),
  ]);
  server = await startApiServer(
    createLookupApi(
      { db, tables: names, now: () => NOW },
      { ...silentLog, error: (message, details) => serverErrors.push({ message, details }) },
    ),
    { port: 0 },
  );
});

afterAll(async () => {
  await server?.close();
});

// ---- generators ----------------------------------------------------------------------------------------------

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];

const hostileText = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom('', ' ', '%', '..', '.', '\u0000', '\ud800', '\udfff', '😀', 'a\nb', 'down', 'd01'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 129, maxLength: 600 }),
  fc.integer({ min: 129, max: 4000 }).map((n) => 'x'.repeat(n)),
);

/** A path segment as a client could put it on the wire: percent-encoded, or raw hostile encodings. */
const segment = fc.oneof(
  hostileText.map((text) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return '%ED%A0%80'; // an encoded unpaired surrogate
    }
  }),
  fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%00', '%2F', '..', ''),
);

const routePath = fc.oneof(
  fc
    .tuple(fc.constantFrom('devices', 'rules', 'alerts', 'fleet', 'health', 'windows', 'mutes'), segment)
    .map(([route, id]) => `/${route}/${id}`),
  segment.map((id) => `/devices/${id}/windows`),
  segment.map((id) => `/alerts/${id}/ack`),
  fc.constantFrom(
    '/devices',
    '/alerts',
    '/rules',
    '/fleet',
    '/health',
    '/mutes',
    '//devices',
    '/devices//windows',
    '/alerts//ack',
  ),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
);

const number = fc.oneof(
  fc.constantFrom('1e16', 'NaN', '-1', '0', '101', '99999', '1.5', '0x10', '', ' 5', '00010'),
  fc.double().map(String),
);
const time = fc.oneof(
  fc.constantFrom(
    '2026-13-45T99:99Z',
    '+275760-09-13T00:00:00.001Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-11-21T12:00:00 00:00',
    '2026-02-29T00:00:00Z',
    'yesterday',
    '1e16',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

const cursorKey = fc.dictionary(
  fc.oneof(fc.constantFrom('pk', 'sk', 'status', 'model', 'deviceId'), fc.constantFrom(...PROTOTYPE_NAMES)),
  fc.oneof(
    hostileText,
    fc.integer().map((n) => n as unknown as string),
    fc.constantFrom('DEVICE#d01', 'STATE', 'down', 'd01', `DEVICE#${'x'.repeat(3000)}`),
  ),
  { maxKeys: 6 },
);
const cursor = fc.oneof(
  cursorKey.map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  fc.string({ maxLength: 3000 }),
  fc.constantFrom('AAAA', 'e30', 'bnVsbA', 'W10'), // '\0\0\0', {}, null, []
);

const queryParam = fc.oneof(
  fc.tuple(fc.constantFrom('limit'), number),
  fc.tuple(fc.constantFrom('since', 'from', 'to'), time),
  fc.tuple(fc.constantFrom('status', 'model', 'deviceId', 'state'), hostileText),
  fc.tuple(fc.constant('cursor'), cursor),
  fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileText), hostileText),
);
const queryString = fc
  .array(queryParam, { maxLength: 5 })
  .map((params) =>
    params.length === 0
      ? ''
      : `?${params.map(([n, v]) => `${encodeURIComponent(safe(n))}=${encodeURIComponent(safe(v))}`).join('&')}`,
  );

/** encodeURIComponent refuses unpaired surrogates; send them as the replacement character instead. */
function safe(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(null, true, 1e16, -1, 1e-200, 2 ** 53, 100.5, 90, 0),
    hostileText,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileText), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const ruleBody = fc.record(
  {
    ruleId: fc.oneof(fc.constant('r1'), jsonValue),
    description: fc.oneof(fc.string({ maxLength: 1100 }), jsonValue),
    when: fc.oneof(
      fc.record({
        field: fc.constantFrom('cpuusage', 'memoryusage', 'interfacestatus', 'constructor'),
        op: fc.constantFrom('>', '==', '__proto__'),
        value: fc.oneof(
          fc.constantFrom(1e16, 2 ** 53, 1e-200, -1, 101, 1_048_577, 0.1234567, '\ud800', 'x'.repeat(300)),
          jsonValue,
        ),
      }),
      jsonValue,
    ),
    models: fc.oneof(fc.array(hostileText, { maxLength: 60 }), jsonValue),
    registry: fc.oneof(fc.dictionary(hostileText, hostileText, { maxKeys: 20 }), jsonValue),
    severity: fc.oneof(fc.constantFrom('info', 'critical', 'toString'), jsonValue),
    updatedAt: jsonValue,
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  ruleBody.map((rule) => JSON.stringify(rule)),
  jsonValue.map((value) => JSON.stringify(value) ?? ''),
  fc.integer({ min: 1_000, max: 60_000 }).map((depth) => `{"when":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.integer({ min: 17 * 1024, max: 3 * 1024 * 1024 }).map((size) => `{"description":"${'x'.repeat(size)}"}`),
  fc.constantFrom('{', '{"a":1}garbage', '\u0000', '{"__proto__":{"enabled":false}}', 'null', '[]', '"x"'),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

const headerName = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, 'content-type', 'x-forwarded-for', 'authorization', 'cookie'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
);
const headerValue = fc.oneof(
  fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', '', '*/*'),
  fc.stringMatching(/^[ -~]{0,100}$/),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => 'h'.repeat(n)), // beyond node's header limit
);
const headers = fc
  .array(fc.tuple(headerName, headerValue), { maxLength: 4 })
  .map((pairs) => Object.fromEntries(pairs));

// Near-valid requests: right route, right shape, one hostile part; these reach the deepest validation and DynamoDB.
const hostileNumber = fc.oneof(
  fc.constantFrom(1e16, 2 ** 53, 1e-200, 5e-324, -1, 101, 1_048_577, 0.1234567, 1e300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
// A valid rule with exactly one hostile part, so that part is what the API must refuse.
const nearValidRule = fc
  .record({
    field: fc.constantFrom('cpuusage', 'memoryusage'),
    hostile: fc.constantFrom('value', 'value', 'models', 'registry', 'description'),
    value: hostileNumber,
    text: hostileText,
    count: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ field, hostile, value, text, count }) => {
    const rule = new Map<string, unknown>([
      ['when', { field, op: '>', value: hostile === 'value' ? value : 50 }],
      ['severity', 'warning'],
    ]);
    if (hostile === 'models')
      rule.set(
        'models',
        Array.from({ length: count }, (_, i) => (i === 0 ? text : `m${i}`)),
      );
    if (hostile === 'registry')
      rule.set(
        'registry',
        Object.fromEntries(Array.from({ length: count }, (_, i) => [i === 0 ? text : `a${i}`, 'v'])),
      );
    if (hostile === 'description') rule.set('description', text.repeat(count));
    return JSON.stringify(Object.fromEntries(rule));
  });
const nearValidCursor = fc
  .record({
    hostile: fc.constantFrom('pk', 'sk', 'status', 'deviceId'),
    value: fc.oneof(hostileText, fc.constant(`DEVICE#${'x'.repeat(3000)}`)),
  })
  .map(({ hostile, value }) => {
    const key = new Map([
      ['pk', 'DEVICE#d01'],
      ['sk', 'STATE'],
      ['status', 'down'],
      ['deviceId', 'd01'],
    ]);
    key.set(hostile, value);
    return Buffer.from(JSON.stringify(Object.fromEntries(key))).toString('base64url');
  });
// A mute with exactly one hostile part (values a mute must refuse).
const invalidValue = fc.oneof(
  fc.constantFrom<unknown>('', '\u0000', '\ud800', 'a\nb', 'x'.repeat(300), null, 1e16, ['EVG2000'], {}),
  fc.string({ minLength: 257, maxLength: 400 }),
);
const nearValidMute = fc
  .record({
    n: fc.integer({ min: 0, max: 20 }),
    hostile: fc.constantFrom('deviceId', 'model', 'until', 'comment', 'extra', 'both', 'muteId'),
    value: invalidValue,
    until: time,
  })
  .map(({ n, hostile, value, until }) => {
    const mute = new Map<string, unknown>([
      ['deviceId', 'd01'],
      ['until', '2026-11-21T13:00:00Z'],
    ]);
    if (hostile === 'deviceId' || hostile === 'muteId') mute.set(hostile, value);
    // Comments may be up to 1,024 characters: a long text is made longer still.
    if (hostile === 'comment')
      mute.set('comment', typeof value === 'string' && value.length > 1 ? value.repeat(5) : value);
    if (hostile === 'model') {
      mute.delete('deviceId');
      mute.set('model', value);
    }
    if (hostile === 'until') mute.set('until', until);
    if (hostile === 'extra') mute.set('__proto__', value);
    if (hostile === 'both') mute.set('model', 'EVG2000');
    return {
      method: 'PUT',
      path: `/mutes/near-${n}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(mute)),
    };
  });
const nearValid: fc.Arbitrary<ClientRequest> = fc.oneof(
  nearValidMute,
  fc.tuple(fc.oneof(segment, fc.constant('0123456789abcdef0123456789abcdef')), body).map(([id, ackBody]) => ({
    method: 'POST',
    path: `/alerts/${id}/ack`,
    headers: { 'content-type': 'application/json' },
    body: ackBody,
  })),
  hostileText.map((state) => ({
    method: 'GET',
    path: `/alerts?state=${encodeURIComponent(safe(state))}&since=2026-11-20T00:00:00Z`,
    headers: {},
  })),
  fc.tuple(fc.integer({ min: 0, max: 20 }), nearValidRule).map(([n, body]) => ({
    method: 'PUT',
    path: `/rules/near-${n}`,
    headers: { 'content-type': 'application/json' },
    body,
  })),
  nearValidCursor.map((cursor) => ({
    method: 'GET',
    path: `/devices?status=down&limit=1&cursor=${encodeURIComponent(cursor)}`,
    headers: {},
  })),
  fc.tuple(segment, time).map(([id, from]) => ({
    method: 'GET',
    path: `/devices/${id}/windows?from=${encodeURIComponent(from)}`,
    headers: {},
  })),
  fc.tuple(hostileText, time).map(([deviceId, since]) => ({
    method: 'GET',
    path: `/alerts?deviceId=${encodeURIComponent(safe(deviceId))}&since=${encodeURIComponent(since)}`,
    headers: {},
  })),
);

const anyRequest: fc.Arbitrary<ClientRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'PUT', 'PUT', 'DELETE', 'POST', 'PATCH', 'OPTIONS', 'FOO'),
    path: routePath,
    query: queryString,
    headers,
    body: fc.option(body, { nil: undefined }),
  })
  .map(({ method, path, query, headers, body }) => ({ method, path: `${path}${query}`, headers, body }));

const clientRequest = fc.oneof({ arbitrary: anyRequest, weight: 3 }, { arbitrary: nearValid, weight: 2 });

// ---- the test ------------------------------------------------------------------------------------------------

describe('lookup API abuse (generated hostile requests over HTTP, DynamoDB Local behind)', () => {
  it('answers every request without a 5xx; every error is JSON {"error"}; the server stays healthy', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(clientRequest, async (request) => {
        const reply = await send(request);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        const label = `${request.method} ${request.path.slice(0, 200)} → ${reply.status} ${reply.text.slice(0, 200)}`;
        expect(reply.status, label).toBeGreaterThanOrEqual(200);
        expect(reply.status, label).toBeLessThan(500);
        if (reply.status >= 400) {
          const parsed = JSON.parse(reply.text) as { error?: unknown };
          expect(Object.keys(parsed), label).toEqual(['error']);
          expect(typeof parsed.error, label).toBe('string');
          expect((parsed.error as string).length, label).toBeLessThan(1000);
        }
      }),
      {
        numRuns: 400,
        endOnFailure: true,
        // Counterexamples hold megabyte bodies: report them cut short.
        reporter: (run) => {
          if (!run.failed) return;
          const example = JSON.stringify(run.counterexample).slice(0, 2000);
          throw new Error(`failed after ${run.numRuns} requests: ${String(run.errorInstance)}\n${example}`);
        },
      },
    );
    const clientErrors = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
    // The generators aim at bad requests: nearly every answer must be a 4xx (a few happen to be valid).
    expect(clientErrors, JSON.stringify([...statuses])).toBeGreaterThanOrEqual(340);
    expect(serverErrors).toEqual([]);

    const health = await send({ method: 'GET', path: '/health', headers: {} });
    expect(health).toEqual({ status: 200, text: '{"status":"ok"}' });
    const d01 = await send({ method: 'GET', path: '/devices/d01', headers: {} });
    expect(d01.status).toBe(200);
    expect(JSON.parse(d01.text).registry).toEqual(JSON.parse('{"constructor":"x","tier":"gold"}'));
    const rules = await db.send(new ScanCommand({ TableName: names.rules, Select: 'COUNT' }));
    expect(rules.Count ?? 0).toBeLessThanOrEqual(RULE_LIMITS.maxRules);
    // Every near-valid mute had one hostile part: none was stored.
    const mutes = await send({ method: 'GET', path: '/mutes', headers: {} });
    expect(JSON.parse(mutes.text)).toEqual({ items: [] });
  });

  it('sums fleet counts for models and statuses named like prototype members', async () => {
    const reply = await send({ method: 'GET', path: '/fleet', headers: {} });
    expect(reply.status).toBe(200);
    const fleet = JSON.parse(reply.text);
    expect(fleet.byStatus).toEqual(JSON.parse('{"down":2,"toString":1}'));
    expect(fleet.byModel).toEqual(
      JSON.parse(
        '{"EVG2000":{"devices":1,"records":1,"down":1},"valueOf":{"devices":1,"records":1,"down":0},' +
          '"constructor":{"devices":1,"records":1,"down":1}}',
      ),
    );
  });

  it.each([
    [
      'a rule value beyond the contract',
      'PUT',
      '/rules/r-big',
      '{"when":{"field":"cpuusage","op":">","value":1e16},"severity":"info"}',
    ],
    [
      'a forged cursor with a key too long for DynamoDB',
      'GET',
      `/devices?cursor=${Buffer.from(JSON.stringify({ pk: `DEVICE#${'x'.repeat(3000)}`, sk: 'STATE' })).toString('base64url')}`,
      undefined,
    ],
    ['a query parameter named constructor', 'GET', '/devices?constructor=1', undefined],
  ])('answers %s with a 400 and a reason (these were 500s)', async (_name, method, path, body) => {
    const reply = await send({ method, path, headers: {}, body });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({ error: expect.any(String) });
  });

  it(`refuses a new rule beyond ${RULE_LIMITS.maxRules} and still replaces existing ones`, async () => {
    const rule = (n: number) =>
      JSON.stringify({ when: { field: 'cpuusage', op: '>', value: n % 100 }, severity: 'info' });
    const existing = (await db.send(new ScanCommand({ TableName: names.rules, Select: 'COUNT' }))).Count ?? 0;
    for (let n = existing; n < RULE_LIMITS.maxRules; n++) {
      const reply = await send({ method: 'PUT', path: `/rules/bulk-${n}`, headers: {}, body: rule(n) });
      expect(reply.status).toBe(200);
    }
    const over = await send({ method: 'PUT', path: '/rules/one-too-many', headers: {}, body: rule(1) });
    expect(over.status).toBe(400);
    expect(JSON.parse(over.text)).toEqual({
      error: `at most ${RULE_LIMITS.maxRules} rules; delete one before adding another`,
    });
    const replaced = await send({
      method: 'PUT',
      path: `/rules/bulk-${RULE_LIMITS.maxRules - 1}`,
      headers: {},
      body: rule(7),
    });
    expect(replaced.status).toBe(200);
  });
});
