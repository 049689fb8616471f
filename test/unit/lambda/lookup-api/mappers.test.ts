import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeCounts, OVERFLOW_KEY } from '#core/data-map.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetDevicesItem, FleetItem } from '#core/items/fleet.ts';
import { deviceKey, fleetDevicesKey, fleetItemKey, windowKey } from '#core/items/keys.ts';
import type { WindowItem } from '#core/items/window.ts';
import {
  registryFromRow,
  sumFleet,
  toAlertView,
  toDeviceSummary,
  toDeviceView,
  toRuleView,
  toWindowView,
} from '#lambda/lookup-api/mappers.ts';

const device = (overrides: Partial<DeviceItem> = {}): DeviceItem => ({
  ...deviceKey('dvc1'),
  deviceId: 'dvc1',
  model: 'EVG2000',
  interface: 'eth4.1',
  status: 'down',
  cpuUsage: 40,
  memoryUsage: 900,
  eventTime: '2026-11-21T10:15:30.123Z',
  firstSeen: '2026-11-21T10:00:00.000Z',
  lastSeen: '2026-11-21T10:15:30.123Z',
  recordCount: 3,
  downCount: 1,
  cpuMin: 10,
  cpuMax: 70,
  cpuSum: 100,
  memoryMin: 800,
  memoryMax: 1000,
  memorySum: 2700,
  interfaces: ['wlan0', 'eth4.1'],
  firing: [],
  offsets: { 't-0': 5 },
  version: 4,
  ...overrides,
});

const alert = (ruleId: string, at: string, alertId: string): AlertItem => ({
  deviceId: 'dvc1',
  alertKey: `${at}#${alertId}`,
  alertId,
  ruleId,
  severity: 'critical',
  message: `${ruleId} fired`,
  at,
  day: at.slice(0, 10),
  model: 'EVG2000',
  registry: null,
  field: 'interfacestatus',
  value: 'down',
  topic: 't',
  partition: 0,
  offset: 1,
});

describe('device mappers', () => {
  it('computes min/max/avg from the stored sums and hides storage attributes', () => {
    const view = toDeviceSummary(device());
    expect(view).toEqual({
      deviceId: 'dvc1',
      model: 'EVG2000',
      interface: 'eth4.1',
      status: 'down',
      cpuUsage: 40,
      memoryUsage: 900,
      eventTime: '2026-11-21T10:15:30.123Z',
      firstSeen: '2026-11-21T10:00:00.000Z',
      lastSeen: '2026-11-21T10:15:30.123Z',
      recordCount: 3,
      downCount: 1,
      cpu: { min: 10, max: 70, avg: 33.33 },
      memory: { min: 800, max: 1000, avg: 900 },
      interfaces: ['eth4.1', 'wlan0'],
      registry: null,
    });
  });

  it('answers registry attributes named like prototype members as data', () => {
    const row = JSON.parse('{"deviceId":"d","__proto__":"p","constructor":"c","toString":"t"}');
    const registry = registryFromRow(row);
    expect(JSON.parse(JSON.stringify(registry))).toEqual(
      JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}'),
    );
    expect(Object.keys(registry ?? {}).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });

  it('joins the registry row (without its key) and lists the latest alert of each firing rule', () => {
    const view = toDeviceView(
      device({ firing: ['modem-down', 'cpu-high'] }),
      registryFromRow({ deviceId: 'dvc1', tier: 'platinum', site: 'Oslo' }),
      [
        alert('modem-down', '2026-11-21T09:00:00.000Z', 'a1'),
        alert('modem-down', '2026-11-21T10:15:30.123Z', 'a2'),
        alert('memory-high', '2026-11-21T10:00:00.000Z', 'a3'),
      ],
      new Map([['cpu-high', { severity: 'warning' as const }]]),
    );
    expect(view.registry).toEqual({ tier: 'platinum', site: 'Oslo' });
    expect(view.activeAlerts).toEqual([
      { ruleId: 'cpu-high', severity: 'warning', alertId: null, message: null, at: null },
      {
        ruleId: 'modem-down',
        severity: 'critical',
        alertId: 'a2',
        message: 'modem-down fired',
        at: '2026-11-21T10:15:30.123Z',
      },
    ]);
  });

  it('lists each open episode with its own alert, beside older firing rules without one', () => {
    const open = alert('modem-down', '2026-11-21T09:00:00.000Z', 'a1');
    const view = toDeviceView(
      device({
        firing: ['modem-down', 'cpu-high'],
        // A silence alert the sweep opened, and the threshold rule's episode (not its newest alert: a2 is newer).
        openAlerts: { 'modem-silent': '2026-11-21T10:20:00.000Z#s1', 'modem-down': open.alertKey },
      }),
      null,
      [
        open,
        alert('modem-down', '2026-11-21T10:15:30.123Z', 'a2'),
        { ...alert('modem-silent', '2026-11-21T10:20:00.000Z', 's1'), severity: 'warning' },
        alert('cpu-high', '2026-11-21T08:00:00.000Z', 'c1'),
      ],
    );
    expect(view.activeAlerts.map((a) => [a.ruleId, a.alertId, a.severity])).toEqual([
      ['cpu-high', 'c1', 'critical'],
      ['modem-down', 'a1', 'critical'],
      ['modem-silent', 's1', 'warning'],
    ]);
  });

  it('gives registry null when there is no row', () => {
    expect(toDeviceView(device(), registryFromRow(undefined), []).registry).toBeNull();
  });
});

describe('toWindowView', () => {
  it('averages per window and gives a full ISO start', () => {
    const item: WindowItem = {
      ...windowKey('dvc1', '2026-11-21T10:15Z'),
      deviceId: 'dvc1',
      start: '2026-11-21T10:15Z',
      count: 4,
      cpuSum: 90,
      cpuMax: 50,
      memorySum: 4002,
      memoryMax: 1100,
      downCount: 2,
      offsets: {},
      version: 1,
      expiresAt: 0,
    };
    expect(toWindowView(item)).toEqual({
      start: '2026-11-21T10:15:00.000Z',
      count: 4,
      cpu: { avg: 22.5, max: 50 },
      memory: { avg: 1000.5, max: 1100 },
      downCount: 2,
    });
  });
});

describe('sumFleet', () => {
  it('sums record shards per partition and device shards per hash shard', () => {
    const records = (partition: number, n: number, byModel: Record<string, number>): FleetItem => ({
      ...fleetItemKey('modem-telemetry', partition),
      topic: 'modem-telemetry',
      partition,
      records: n,
      byModel,
      offset: n,
      version: 1,
    });
    const devices = (
      shard: number,
      n: number,
      byStatus: Record<string, number>,
      byModelDevices: Record<string, number>,
      byModelDown: Record<string, number>,
    ): FleetDevicesItem => ({
      ...fleetDevicesKey(shard),
      devices: n,
      byStatus,
      byModelDevices,
      byModelDown,
      version: 1,
    });
    const fleet = sumFleet([
      records(0, 10, { EVG2000: 6, DG3450: 4 }),
      records(3, 5, { EVG2000: 5 }),
      devices(0, 2, { connected: 1, down: 1 }, { EVG2000: 2 }, { EVG2000: 1 }),
      devices(7, 2, { connected: 2, disconnected: 0 }, { DG3450: 1, EVG2000: 1 }, {}),
    ]);
    expect(fleet).toEqual({
      devices: 4,
      records: 15,
      byStatus: { connected: 3, down: 1 },
      byModel: { DG3450: { devices: 1, records: 4, down: 0 }, EVG2000: { devices: 3, records: 11, down: 1 } },
    });
  });

  // Statuses and models are record data: `constructor`, `toString` or `__proto__` are counted like any other name.
  it('counts prototype member names as plain names (generated shards)', () => {
    const name = fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'down',
      'EVG',
    );
    // Shards as DynamoDB (and JSON.parse) hand them over: each name an own property, `__proto__` included.
    const counts = fc
      .array(fc.tuple(name, fc.integer({ min: 0, max: 50 })), { maxLength: 6 })
      .map((pairs) => JSON.parse(`{${pairs.map(([k, n]) => `${JSON.stringify(k)}:${n}`).join(',')}}`));
    fc.assert(
      fc.property(fc.array(fc.tuple(counts, counts, counts), { maxLength: 5 }), (shards) => {
        const items = shards.flatMap(([byStatus, byModelDevices, byModel], i) => [
          { ...fleetDevicesKey(i), devices: 1, byStatus, byModelDevices, byModelDown: {}, version: 1 },
          {
            ...fleetItemKey('t', i),
            topic: 't',
            partition: i,
            records: 1,
            byModel,
            offset: 1,
            version: 1,
          },
        ]) as Array<FleetDevicesItem | FleetItem>;
        const total = (pick: (s: (typeof shards)[number]) => Record<string, number>) => {
          const sums = new Map<string, number>();
          for (const shard of shards)
            for (const [k, n] of Object.entries(pick(shard))) sums.set(k, (sums.get(k) ?? 0) + n);
          return sums;
        };
        const fleet = JSON.parse(JSON.stringify(sumFleet(items)));
        const statuses = [...total(([s]) => s)].filter(([, n]) => n !== 0).sort();
        expect(Object.entries(fleet.byStatus).sort()).toEqual(statuses);
        const records = total(([, , m]) => m);
        const devices = total(([, d]) => d);
        for (const [model, view] of Object.entries(fleet.byModel) as Array<
          [string, { devices: number; records: number }]
        >) {
          expect(view.records).toBe(records.get(model) ?? 0);
          expect(view.devices).toBe(devices.get(model) ?? 0);
        }
        expect(Object.keys(fleet.byModel).sort()).toEqual(
          [...new Set([...records.keys(), ...devices.keys()])].sort(),
        );
      }),
      { numRuns: 500 },
    );
  });

  // What the processor stores (escaped keys, overflow under `~other`) reads back as the names the records carried.
  it('answers the names the processor stored, escapes undone, overflow left out of the per-name maps', () => {
    const name = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', '~other', '~~x', '~', 'toString', 'down'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8 }), (names) => {
        const change = new Map(names.map((n, i) => [n, i + 1]));
        const stored = mergeCounts(undefined, change);
        const shard = JSON.parse(JSON.stringify(stored));
        const fleet = sumFleet([
          {
            ...fleetDevicesKey(0),
            devices: 1,
            byStatus: shard,
            byModelDevices: shard,
            byModelDown: {},
            version: 1,
          },
        ]);
        expect(new Map(Object.entries(fleet.byStatus))).toEqual(change);
        expect(Object.keys(fleet.byModel).sort()).toEqual([...change.keys()].sort());
      }),
      { numRuns: 300 },
    );
    const full = mergeCounts(undefined, new Map(Array.from({ length: 1_001 }, (_, i) => [`m${i}`, 1])));
    expect(Object.hasOwn(full, OVERFLOW_KEY)).toBe(true);
    const fleet = sumFleet([
      {
        ...fleetDevicesKey(0),
        devices: 1_001,
        byStatus: {},
        byModelDevices: full,
        byModelDown: {},
        version: 1,
      },
    ]);
    expect(Object.keys(fleet.byModel)).toHaveLength(1_000);
    expect(fleet.devices).toBe(1_001);
  });

  it('is all zeros for an empty fleet', () => {
    expect(sumFleet([])).toEqual({ devices: 0, records: 0, byStatus: {}, byModel: {} });
  });
});

describe('toAlertView / toRuleView', () => {
  it('keeps the contract fields of an alert', () => {
    expect(toAlertView(alert('r', '2026-11-21T10:15:30.123Z', 'a1'))).toEqual({
      alertId: 'a1',
      deviceId: 'dvc1',
      ruleId: 'r',
      severity: 'critical',
      message: 'r fired',
      at: '2026-11-21T10:15:30.123Z',
      registry: null,
    });
  });

  it('keeps the rule document and updatedAt, drops other stored attributes', () => {
    const stored = {
      ruleId: 'r',
      when: { field: 'cpuusage', op: '>', value: 90 },
      severity: 'warning',
      enabled: true,
      updatedAt: '2026-01-01T00:00:00.000Z',
      internal: 'x',
    };
    expect(toRuleView(stored)).toEqual({
      ruleId: 'r',
      when: { field: 'cpuusage', op: '>', value: 90 },
      severity: 'warning',
      enabled: true,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
