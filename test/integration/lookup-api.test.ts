import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { alertKey, deviceKey, fleetDevicesKey, fleetItemKey, windowKey } from '#core/items/keys.ts';
import type { ClosedWindow, WindowItem } from '#core/items/window.ts';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { type ApiServer, startApiServer } from '#scripts/shared/api-gateway-http.ts';
import { VIP_RULE_DOCUMENT } from '#test/support/examples.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { loadOpenApi } from '#test/support/openapi.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0); // 2026-11-21T12:00:00Z
const HEX_ALERT = '0123456789abcdef0123456789abcdef';
const openApi = loadOpenApi();
const names = localTableNames(uniquePrefix('lookup'));
let db: DynamoDBDocumentClient;
let server: ApiServer;
const checked = new Set<string>();

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON replies are checked with toEqual and the OpenAPI schemas
  body: any;
}

/** Calls the API over HTTP (through the local API Gateway adapter) and checks the reply against docs/openapi.json. */
const call = async (method: string, template: string, path: string, body?: unknown): Promise<Reply> => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text === '' ? undefined : JSON.parse(text);
  if (response.status !== 405) {
    expect(
      openApi.check(method, template, response.status, parsed),
      `${method} ${path} → ${response.status}`,
    ).toEqual([]);
    checked.add(`${method} ${template} ${response.status}`);
  }
  return { status: response.status, body: parsed };
};
const get = (template: string, path = template) => call('GET', template, path);

const device = (
  deviceId: string,
  model: string,
  status: string,
  extra: Partial<DeviceItem> = {},
): DeviceItem => ({
  ...deviceKey(deviceId),
  deviceId,
  model,
  interface: 'eth4.1',
  status,
  cpuUsage: 50,
  memoryUsage: 1000,
  eventTime: '2026-11-21T11:59:30.000Z',
  firstSeen: '2026-11-20T08:00:00.000Z',
  lastSeen: '2026-11-21T11:59:30.000Z',
  recordCount: 4,
  downCount: status === 'down' ? 1 : 0,
  cpuMin: 20,
  cpuMax: 90,
  cpuSum: 203,
  memoryMin: 900,
  memoryMax: 1100,
  memorySum: 4001,
  interfaces: ['wlan0', 'eth4.1'],
  firing: [],
  offsets: { 'modem-telemetry-0': 10 },
  version: 3,
  ...extra,
});

const window = (
  deviceId: string,
  start: string,
  count: number,
  cpuSum: number,
  downCount = 0,
): WindowItem => ({
  ...windowKey(deviceId, start),
  deviceId,
  start,
  count,
  cpuSum,
  cpuMax: 80,
  memorySum: count * 1000,
  memoryMax: 1200,
  downCount,
  offsets: {},
  version: 1,
  expiresAt: Math.floor(NOW / 1000) + 7 * 86400,
});

const alert = (deviceId: string, ruleId: string, at: string, alertId: string): AlertItem => ({
  deviceId,
  alertKey: alertKey(at, alertId),
  alertId,
  ruleId,
  severity: 'critical',
  message: `${ruleId} on ${deviceId}`,
  at,
  day: at.slice(0, 10),
  model: 'EVG2000',
  registry: { tier: 'gold' },
  field: 'interfacestatus',
  value: 'down',
  topic: 'modem-telemetry',
  partition: 0,
  offset: 5,
});

/** A device's closed window of 11:58 (closed by its version 3). */
const closedAt1158: ClosedWindow = {
  start: '2026-11-21T11:58Z',
  count: 2,
  cpuSum: 30,
  cpuMax: 20,
  memorySum: 2000,
  memoryMax: 1000,
  downCount: 0,
  offsets: { 0: 7 },
  at: 3,
  expiresAt: Math.floor(NOW / 1000) + 7 * 86400,
};

const SPECIAL = 'dvc 7/ü';
const devices = [
  device('d01', 'EVG2000', 'down', {
    registry: { tier: 'gold' },
    firing: ['modem-down', 'cpu-high'],
    // The latest minute lives in the device item; it adds to a leftover window item of the same minute.
    openWindow: {
      start: '2026-11-21T11:59Z',
      count: 2,
      cpuSum: 58,
      cpuMax: 50,
      memorySum: 2000,
      memoryMax: 1000,
      downCount: 1,
      offsets: { 'modem-telemetry-0': 10 },
    },
  }),
  // The minute it closed last is still in the device item (its copy was lost): the API adds it.
  device('d02', 'EVG2000', 'connected', {
    closedWindow: closedAt1158,
  }),
  device('d03', 'DG3450', 'down'),
  device('d04', 'DG3450', 'down'),
  device('d05', 'EVG2000', 'down'),
  // Its closed window was copied (the window item carries its tag): counted once.
  device('d06', 'TG1682', 'connected', {
    closedWindow: closedAt1158,
  }),
  device(SPECIAL, 'EVG2000', 'down'),
];
const alerts = [
  alert('d01', 'modem-down', '2026-11-21T11:00:00.000Z', 'a-new'),
  alert('d01', 'modem-down', '2026-11-18T09:00:00.000Z', 'a-old'),
  alert('d03', 'cpu-high', '2026-11-20T23:00:00.000Z', 'a-d03'),
  alert('d04', 'modem-down', '2026-11-19T10:00:00.000Z', 'a-d04'),
  // An id as the processor makes them (32 hex), older than every listing above reaches without deviceId.
  alert('d02', 'modem-down', '2026-11-10T08:00:00.000Z', HEX_ALERT),
];

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  await createTables(localDynamoDb(endpoint), names);
  db = createDocumentClient(endpoint);
  const put = (TableName: string, Item: object) =>
    db.send(new PutCommand({ TableName, Item: Item as never }));
  await Promise.all([
    ...devices.map((d) => put(names.state, d)),
    put(names.state, window('d01', '2026-11-21T10:00Z', 2, 90)),
    put(names.state, window('d01', '2026-11-21T11:58Z', 3, 100, 1)),
    put(names.state, window('d01', '2026-11-21T11:59Z', 1, 42)),
    put(names.state, window('d02', '2026-11-21T11:59Z', 1, 10)),
    // d06's copy of its closed window, plus a late record folded in after.
    put(names.state, { ...window('d06', '2026-11-21T11:58Z', 3, 40), closedAt: 3 }),
    put(names.state, {
      ...fleetItemKey('modem-telemetry', 0),
      topic: 'modem-telemetry',
      partition: 0,
      records: 20,
      byModel: { EVG2000: 12, DG3450: 8 },
      offset: 19,
      version: 2,
    }),
    put(names.state, {
      ...fleetItemKey('modem-telemetry', 4),
      topic: 'modem-telemetry',
      partition: 4,
      records: 8,
      byModel: { EVG2000: 4, TG1682: 4 },
      offset: 7,
      // Device counts committed through this partition: a new TG1682 device, and an EVG2000 device counted
      // elsewhere as down that came back up here (a partition's own counts may be negative).
      devices: 1,
      byStatus: { connected: 2, down: -1 },
      byModelDevices: { TG1682: 1 },
      byModelDown: { EVG2000: -1 },
      version: 2,
    }),
    // Device-count shards as older versions wrote them: still summed.
    put(names.state, {
      ...fleetDevicesKey(0),
      devices: 4,
      byStatus: { down: 3, connected: 1 },
      byModelDevices: { EVG2000: 2, DG3450: 2 },
      byModelDown: { EVG2000: 1, DG3450: 2 },
      version: 5,
    }),
    put(names.state, {
      ...fleetDevicesKey(9),
      devices: 3,
      byStatus: { down: 2, connected: 1 },
      byModelDevices: { EVG2000: 2, TG1682: 1 },
      byModelDown: { EVG2000: 2 },
      version: 5,
    }),
    put(names.registry, { deviceId: 'd01', tier: 'platinum', customer: 'ACME' }),
    put(names.rules, {
      ruleId: 'cpu-high',
      when: { field: 'cpuusage', op: '>', value: 90 },
      severity: 'warning',
      enabled: true,
      updatedAt: '2026-11-01T00:00:00.000Z',
    }),
    ...alerts.map((a) => put(names.alerts, a)),
  ]);
  server = await startApiServer(createLookupApi({ db, tables: names, now: () => NOW }, silentLog), {
    port: 0,
  });
});

afterAll(async () => {
  await server?.close();
});

describe('lookup API against DynamoDB Local (through the local HTTP adapter)', () => {
  it('GET /health', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('GET /devices/{deviceId}: state, aggregates, the registry row now and active alerts', async () => {
    const { status, body } = await get('/devices/{deviceId}', '/devices/d01');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      deviceId: 'd01',
      model: 'EVG2000',
      status: 'down',
      recordCount: 4,
      cpu: { min: 20, max: 90, avg: 50.75 },
      memory: { min: 900, max: 1100, avg: 1000.25 },
      interfaces: ['eth4.1', 'wlan0'],
      registry: { tier: 'platinum', customer: 'ACME' },
    });
    expect(body.activeAlerts).toEqual([
      { ruleId: 'cpu-high', severity: 'warning', alertId: null, message: null, at: null },
      {
        ruleId: 'modem-down',
        severity: 'critical',
        alertId: 'a-new',
        message: 'modem-down on d01',
        at: '2026-11-21T11:00:00.000Z',
      },
    ]);
  });

  it('GET /devices/{deviceId}: percent-encoded ids, registry null, 404 and 400', async () => {
    const special = await get('/devices/{deviceId}', `/devices/${encodeURIComponent(SPECIAL)}`);
    expect(special.status).toBe(200);
    expect(special.body).toMatchObject({ deviceId: SPECIAL, registry: null, activeAlerts: [] });
    expect(await get('/devices/{deviceId}', '/devices/nobody')).toEqual({
      status: 404,
      body: { error: 'device nobody not found' },
    });
    expect(await get('/devices/{deviceId}', `/devices/${'x'.repeat(129)}`)).toEqual({
      status: 400,
      body: { error: 'deviceId must be 1-128 printable characters' },
    });
  });

  const pages = async (query: string, limit: number) => {
    const seen: string[][] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const sep = query === '' ? '?' : `?${query}&`;
      const path = `/devices${sep}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`;
      const { status, body } = await get('/devices', path);
      expect(status).toBe(200);
      seen.push(body.items.map((d: { deviceId: string }) => d.deviceId));
      cursor = body.cursor;
      if (cursor === null) return seen;
    }
    throw new Error('pagination did not end');
  };

  it('GET /devices?status= pages across the byStatus index with a cursor, ending with null', async () => {
    expect(await pages('status=down', 2)).toEqual([['d01', 'd03'], ['d04', 'd05'], [SPECIAL]]);
  });

  it('GET /devices?model= and ?status=&model= (filter) page correctly', async () => {
    expect(await pages('model=EVG2000', 3)).toEqual([['d01', 'd02', 'd05'], [SPECIAL]]);
    expect(await pages('status=down&model=EVG2000', 2)).toEqual([['d01', 'd05'], [SPECIAL]]);
    expect(await pages('status=down&model=TG1682', 5)).toEqual([[]]);
  });

  it('GET /devices without filters lists device items only (no windows or fleet shards)', async () => {
    const all = await pages('', 3);
    expect(all.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(all.flat().sort()).toEqual(devices.map((d) => d.deviceId).sort());
    const { body } = await get('/devices', '/devices');
    expect(body.items).toHaveLength(7);
    expect(body.cursor).toBeNull();
  });

  it('GET /devices rejects a cursor from another listing and bad parameters', async () => {
    const first = await get('/devices', '/devices?status=down&limit=1');
    const reused = await get('/devices', `/devices?status=connected&cursor=${first.body.cursor}`);
    expect(reused).toEqual({
      status: 400,
      body: { error: 'cursor is invalid for this query; use the cursor returned by the previous page' },
    });
    expect((await get('/devices', `/devices?cursor=${first.body.cursor}`)).status).toBe(400);
    expect((await get('/devices', '/devices?limit=500')).body).toEqual({
      error: 'limit must be an integer from 1 to 100',
    });
    expect((await get('/devices', '/devices?state=down')).status).toBe(400);
  });

  it('GET /devices/{deviceId}/windows adds a closed window its window item does not hold yet, once', async () => {
    const counts = async (id: string) =>
      (await get('/devices/{deviceId}/windows', `/devices/${id}/windows`)).body.windows.map(
        (w: { start: string; count: number }) => [w.start, w.count],
      );
    expect(await counts('d02')).toEqual([
      ['2026-11-21T11:58:00.000Z', 2],
      ['2026-11-21T11:59:00.000Z', 1],
    ]);
    expect(await counts('d06')).toEqual([['2026-11-21T11:58:00.000Z', 3]]);
  });

  it('GET /devices/{deviceId}/windows: default last hour, explicit range, 404 and 400', async () => {
    const recent = await get('/devices/{deviceId}/windows', '/devices/d01/windows');
    expect(recent).toEqual({
      status: 200,
      body: {
        deviceId: 'd01',
        resolution: '1m',
        windows: [
          {
            start: '2026-11-21T11:58:00.000Z',
            count: 3,
            cpu: { avg: 33.33, max: 80 },
            memory: { avg: 1000, max: 1200 },
            downCount: 1,
          },
          {
            start: '2026-11-21T11:59:00.000Z',
            count: 3,
            cpu: { avg: 33.33, max: 80 },
            memory: { avg: 1000, max: 1200 },
            downCount: 1,
          },
        ],
      },
    });
    const range = await get(
      '/devices/{deviceId}/windows',
      '/devices/d01/windows?from=2026-11-21T11:00:30%2B01:00&to=2026-11-21T10:00:59Z',
    );
    expect(range.body.windows.map((w: { start: string }) => w.start)).toEqual(['2026-11-21T10:00:00.000Z']);
    expect((await get('/devices/{deviceId}/windows', '/devices/nobody/windows')).status).toBe(404);
    expect(
      await get(
        '/devices/{deviceId}/windows',
        '/devices/d01/windows?from=2026-11-19T00:00:00Z&to=2026-11-21T00:00:00Z',
      ),
    ).toEqual({ status: 400, body: { error: 'from..to may span at most 24 hours' } });
    expect((await get('/devices/{deviceId}/windows', '/devices/d01/windows?from=noon')).status).toBe(400);
  });

  it("GET /fleet sums the partitions' fleet items (record and device counts) and older device shards", async () => {
    expect(await get('/fleet')).toEqual({
      status: 200,
      body: {
        devices: 8,
        records: 28,
        byStatus: { down: 4, connected: 4 },
        byModel: {
          DG3450: { devices: 2, records: 8, down: 2 },
          EVG2000: { devices: 4, records: 16, down: 2 },
          TG1682: { devices: 2, records: 4, down: 0 },
        },
      },
    });
  });

  it('GET /alerts: fleet-wide newest first over days (default last 24 h), since, limit', async () => {
    const ids = (reply: Reply) => reply.body.items.map((a: { alertId: string }) => a.alertId);
    expect(ids(await get('/alerts'))).toEqual(['a-new', 'a-d03']);
    expect(ids(await get('/alerts', '/alerts?since=2026-11-18T00:00:00Z'))).toEqual([
      'a-new',
      'a-d03',
      'a-d04',
      'a-old',
    ]);
    expect(ids(await get('/alerts', '/alerts?since=2026-11-18T00:00:00Z&limit=3'))).toEqual([
      'a-new',
      'a-d03',
      'a-d04',
    ]);
    const first = await get('/alerts', '/alerts?limit=1');
    expect(first.body.items).toEqual([
      {
        alertId: 'a-new',
        deviceId: 'd01',
        ruleId: 'modem-down',
        severity: 'critical',
        message: 'modem-down on d01',
        at: '2026-11-21T11:00:00.000Z',
        registry: { tier: 'gold' },
        // Stored without a state (as every alert before episodes): d01's firing set holds modem-down and this is
        // its newest modem-down alert, so the episode is firing.
        state: 'firing',
        startsAt: '2026-11-21T11:00:00.000Z',
        endsAt: null,
        acknowledged: null,
        muted: false,
      },
    ]);
  });

  it("GET /alerts?state=: episodes mapped from the devices' firing sets; old items listed sensibly", async () => {
    const states = (reply: Reply) =>
      reply.body.items.map((a: { alertId: string; state: string }) => [a.alertId, a.state]);
    const since = 'since=2026-11-18T00:00:00Z';
    // a-old: an earlier modem-down alert of d01 (the newer a-new is the episode firing now); d03 and d04 no longer
    // have their rule in their firing set.
    expect(states(await get('/alerts', `/alerts?${since}`))).toEqual([
      ['a-new', 'firing'],
      ['a-d03', 'resolved'],
      ['a-d04', 'resolved'],
      ['a-old', 'resolved'],
    ]);
    expect(states(await get('/alerts', `/alerts?${since}&state=firing`))).toEqual([['a-new', 'firing']]);
    expect(states(await get('/alerts', `/alerts?${since}&state=resolved&limit=2`))).toEqual([
      ['a-d03', 'resolved'],
      ['a-d04', 'resolved'],
    ]);
    expect(
      states(await get('/alerts', '/alerts?deviceId=d01&since=2020-01-01T00:00:00Z&state=resolved')),
    ).toEqual([['a-old', 'resolved']]);
    for (const bad of ['state=FIRING', 'state=', 'state=firing&state=resolved', 'state=open'])
      expect((await get('/alerts', `/alerts?${bad}`)).status, bad).toBe(400);
  });

  it('POST /alerts/{alertId}/ack records who and when, once; the listing shows it; bad input is a 400', async () => {
    const path = `/alerts/${HEX_ALERT}/ack`;
    const first = await call('POST', '/alerts/{alertId}/ack', path, { comment: 'on it' });
    expect(first).toEqual({
      status: 200,
      body: {
        alertId: HEX_ALERT,
        acknowledged: {
          by: 'unauthenticated@127.0.0.1',
          at: new Date(NOW).toISOString(),
          comment: 'on it',
        },
      },
    });
    // A repeat (or a retry) answers the first acknowledgement.
    expect(await call('POST', '/alerts/{alertId}/ack', path)).toEqual(first);
    const listed = await get('/alerts', '/alerts?deviceId=d02&since=2026-11-01T00:00:00Z');
    expect(listed.body.items).toMatchObject([
      { alertId: HEX_ALERT, state: 'resolved', acknowledged: first.body.acknowledged },
    ]);
    for (const [alertId, body] of [
      ['a-new', undefined],
      [HEX_ALERT.toUpperCase(), undefined],
      [`${HEX_ALERT}0`, undefined],
      [HEX_ALERT, '{"comment": 7}'],
      [HEX_ALERT, '{"by": "someone else"}'],
      [HEX_ALERT, '[1]'],
      [HEX_ALERT, 'not json'],
      [HEX_ALERT, JSON.stringify({ comment: 'x'.repeat(1025) })],
    ] as const)
      expect((await call('POST', '/alerts/{alertId}/ack', `/alerts/${alertId}/ack`, body)).status).toBe(400);
    expect((await call('PUT', '/alerts/{alertId}/ack', path)).status).toBe(405);
  });

  it('mutes: PUT answers the stored mute, GET lists and reads it, a firing alert it covers is muted, DELETE removes it', async () => {
    const until = new Date(NOW + 3_600_000).toISOString();
    const put = await call('PUT', '/mutes/{muteId}', '/mutes/maint-evg', {
      model: 'EVG2000',
      until: '2026-11-21T13:00:00+00:00',
      comment: 'firmware rollout',
    });
    expect(put).toEqual({
      status: 200,
      body: {
        muteId: 'maint-evg',
        model: 'EVG2000',
        until,
        comment: 'firmware rollout',
        createdBy: 'unauthenticated@127.0.0.1',
        updatedAt: new Date(NOW).toISOString(),
        active: true,
      },
    });
    expect(await get('/mutes/{muteId}', '/mutes/maint-evg')).toEqual(put);
    const device = await call('PUT', '/mutes/{muteId}', '/mutes/d04-visit', {
      deviceId: 'd04',
      until: '2026-11-22T00:00:00Z',
    });
    expect(device.body).toMatchObject({ muteId: 'd04-visit', deviceId: 'd04', active: true });
    expect((await get('/mutes')).body.items.map((m: { muteId: string }) => m.muteId)).toEqual([
      'd04-visit',
      'maint-evg',
    ]);
    // The firing EVG2000 alert is covered; resolved ones are not marked (their notification was not held back).
    const firing = await get('/alerts', '/alerts?since=2026-11-18T00:00:00Z');
    expect(firing.body.items.map((a: { alertId: string; muted: boolean }) => [a.alertId, a.muted])).toEqual([
      ['a-new', true],
      ['a-d03', false],
      ['a-d04', false],
      ['a-old', false],
    ]);
    expect(await call('DELETE', '/mutes/{muteId}', '/mutes/maint-evg')).toEqual({
      status: 204,
      body: undefined,
    });
    expect((await get('/mutes/{muteId}', '/mutes/maint-evg')).status).toBe(404);
    expect((await call('DELETE', '/mutes/{muteId}', '/mutes/maint-evg')).status).toBe(404);
    expect((await get('/alerts', '/alerts?limit=1')).body.items[0].muted).toBe(false);
    expect((await call('DELETE', '/mutes/{muteId}', '/mutes/d04-visit')).status).toBe(204);
  });

  it('mutes: bad input is a 400 with the reason, never a 500', async () => {
    const cases: Array<[string, unknown]> = [
      ['m1', { until: '2026-11-21T13:00:00Z' }],
      ['m1', { deviceId: 'd01', model: 'EVG2000', until: '2026-11-21T13:00:00Z' }],
      ['m1', { deviceId: 'd01', until: '2026-11-21T11:00:00Z' }],
      ['m1', { deviceId: 'd01', until: '2027-12-01T00:00:00Z' }],
      ['m1', { deviceId: 'd01', until: '2026-11-21 13:00:00' }],
      ['m1', { deviceId: 'd01', until: 1_763_730_000_000 }],
      ['m1', { deviceId: '', until: '2026-11-21T13:00:00Z' }],
      ['m1', { deviceId: 'x'.repeat(129), until: '2026-11-21T13:00:00Z' }],
      ['m1', { model: 'a\u0000b', until: '2026-11-21T13:00:00Z' }],
      ['m1', { model: ['EVG2000'], until: '2026-11-21T13:00:00Z' }],
      ['m1', { deviceId: 'd01', until: '2026-11-21T13:00:00Z', extra: 1 }],
      ['m1', { deviceId: 'd01', until: '2026-11-21T13:00:00Z', muteId: 'm2' }],
      ['m1', { deviceId: 'd01', until: '2026-11-21T13:00:00Z', comment: '\ud800' }],
      ['m1', '{"deviceId": "d01", "until": '],
      ['m1', ''],
      ['-m1', { deviceId: 'd01', until: '2026-11-21T13:00:00Z' }],
      ['m'.repeat(129), { deviceId: 'd01', until: '2026-11-21T13:00:00Z' }],
    ];
    for (const [muteId, body] of cases) {
      const reply = await call('PUT', '/mutes/{muteId}', `/mutes/${encodeURIComponent(muteId)}`, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error).toEqual(expect.any(String));
    }
    expect((await get('/mutes')).body.items).toEqual([]);
    expect((await get('/mutes/{muteId}', '/mutes/-bad')).status).toBe(400);
    expect((await call('POST', '/mutes/{muteId}', '/mutes/m1')).status).toBe(405);
  });

  it('GET /alerts?deviceId=: the device history, any age; bad input is a 400', async () => {
    const ids = (reply: Reply) => reply.body.items.map((a: { alertId: string }) => a.alertId);
    expect(ids(await get('/alerts', '/alerts?deviceId=d01&since=2020-01-01T00:00:00Z'))).toEqual([
      'a-new',
      'a-old',
    ]);
    expect(ids(await get('/alerts', '/alerts?deviceId=d01'))).toEqual(['a-new']);
    expect(ids(await get('/alerts', '/alerts?deviceId=d06'))).toEqual([]);
    expect((await get('/alerts', '/alerts?since=2020-01-01T00:00:00Z')).status).toBe(400);
    expect((await get('/alerts', '/alerts?limit=0')).status).toBe(400);
    expect((await get('/alerts', '/alerts?device=d01')).status).toBe(400);
  });

  it('rules: PUT answers the stored rule, GET lists it, DELETE removes it, then 404', async () => {
    const rule = VIP_RULE_DOCUMENT;
    const put = await call('PUT', '/rules/{ruleId}', '/rules/vip-modem-down', rule);
    expect(put).toEqual({
      status: 200,
      body: { ruleId: 'vip-modem-down', ...rule, updatedAt: new Date(NOW).toISOString() },
    });
    const replaced = await call('PUT', '/rules/{ruleId}', '/rules/vip-modem-down', {
      ...rule,
      ruleId: 'vip-modem-down',
      severity: 'warning',
    });
    expect(replaced.body.severity).toBe('warning');
    const list = await get('/rules');
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { ruleId: string }) => r.ruleId)).toEqual(['cpu-high', 'vip-modem-down']);
    expect(list.body.items[1]).toEqual(replaced.body);

    expect(await call('DELETE', '/rules/{ruleId}', '/rules/vip-modem-down')).toEqual({
      status: 204,
      body: undefined,
    });
    expect(await call('DELETE', '/rules/{ruleId}', '/rules/vip-modem-down')).toEqual({
      status: 404,
      body: { error: 'rule vip-modem-down not found' },
    });
    expect((await get('/rules')).body.items.map((r: { ruleId: string }) => r.ruleId)).toEqual(['cpu-high']);
  });

  it('rules: invalid documents are 400 with the reason and store nothing', async () => {
    const valid = { when: { field: 'cpuusage', op: '>', value: 90 }, severity: 'warning' };
    expect(await call('PUT', '/rules/{ruleId}', '/rules/r1', { ...valid, ruleId: 'r2' })).toEqual({
      status: 400,
      body: { error: 'ruleId in the body ("r2") does not match the path ("r1")' },
    });
    expect(
      await call('PUT', '/rules/{ruleId}', '/rules/r1', {
        ...valid,
        when: { field: 'cpu', op: '>', value: 1 },
      }),
    ).toEqual({
      status: 400,
      body: { error: 'invalid rule: when.field must be one of interfacestatus, cpuusage, memoryusage' },
    });
    expect((await call('PUT', '/rules/{ruleId}', '/rules/bad%20id', valid)).status).toBe(400);
    expect((await call('PUT', '/rules/{ruleId}', '/rules/r1', '{"when":')).body).toEqual({
      error: 'body is not valid JSON',
    });
    expect((await get('/rules')).body.items.map((r: { ruleId: string }) => r.ruleId)).toEqual(['cpu-high']);
  });

  it('unknown paths are 404 and wrong methods 405', async () => {
    const unknown = await fetch(`${server.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no such resource: /nope' });
    const wrong = await fetch(`${server.url}/fleet`, { method: 'POST' });
    expect(wrong.status).toBe(405);
  });

  it('every documented operation was exercised and conformed', () => {
    // POST /ingest is served by the ingest function, exercised against the document by test/integration/ingest.test.ts.
    for (const { method, path } of openApi.operations.filter((o) => o.path !== '/ingest')) {
      expect(
        [...checked].some((c) => c.startsWith(`${method} ${path} 2`)),
        `${method} ${path}`,
      ).toBe(true);
    }
  });
});

describe('npm run lookup (the CLI over this API)', () => {
  const run = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(join('node_modules', '.bin', 'tsx'), [
        'scripts/lookup.ts',
        ...args,
      ]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('prints a device for people, exits 1 with a clear message for an unknown one, 2 for bad flags', async () => {
    const [found, missing, badFlag, noId] = await Promise.all([
      run('d01', '--url', server.url),
      run('nobody', '--url', server.url),
      run('d01', '--colour'),
      run('--url', server.url),
    ]);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('d01  EVG2000  DOWN on eth4.1');
    expect(found.stdout).toContain('registry    customer=ACME  tier=platinum');
    expect(found.stdout).toContain('[critical] modem-down — modem-down on d01');
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'device nobody not found (no records seen for it yet)\n',
    });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('usage: npm run lookup -- <deviceId>');
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('missing <deviceId>');
  });
});
