import { describe, expect, it } from 'vitest';
import { groupBatch } from '#core/batch/group.ts';
import { planBatch } from '#core/batch/plan.ts';
import { createPlanner } from '#core/batch/planner.ts';
import { keysToRead, windowKeysToRead } from '#core/batch/read-keys.ts';
import type { BatchRecord } from '#core/batch-record.ts';
import { decodeBatch } from '#core/dead-letter.ts';
import { planDevice } from '#core/device.ts';
import { addExact } from '#core/exact-sum.ts';
import { accumulateDelta, applyFleetDelta, countingPartitionKey, emptyDelta } from '#core/fleet-devices.ts';
import { planFleetRecords } from '#core/fleet-records.ts';
import { deviceKey, fleetItemKey, itemId, windowKey } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { TelemetryRecord } from '#core/record.ts';
import { planWindow, windowExpiresAt } from '#core/window/fold.ts';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
let nextOffset = 0;
const rec = (
  over: Partial<TelemetryRecord> & { second?: number } = {},
  at: { partition?: number; offset?: number; topic?: string } = {},
): BatchRecord => {
  const { second = 0, ...fields } = over;
  const ms = T0 + second * 1000;
  return {
    topic: at.topic ?? 't',
    partition: at.partition ?? 0,
    offset: at.offset ?? nextOffset++,
    record: {
      deviceId: 'd1',
      model: 'EVG2000',
      interface: 'eth0',
      status: 'up',
      cpuUsage: 10,
      memoryUsage: 100,
      eventTime: new Date(ms).toISOString(),
      eventTimeMs: ms,
      ...fields,
    },
  };
};
const noRules = { rules: [], registry: null };

describe('device state', () => {
  it('is the record with the greatest event_time, whatever the arrival order', () => {
    const plan = planDevice(
      'd1',
      undefined,
      [rec({ second: 5, status: 'down' }), rec({ second: 9, status: 'up' }), rec({ second: 1, status: 'x' })],
      noRules,
    );
    expect(plan?.item).toMatchObject({ status: 'up', eventTime: '2026-11-21T10:00:09.000Z' });
  });

  it('breaks event_time ties by partition, then offset', () => {
    const plan = planDevice(
      'd1',
      undefined,
      [
        rec({ second: 5, status: 'p2o1' }, { partition: 2, offset: 1 }),
        rec({ second: 5, status: 'p1o9' }, { partition: 1, offset: 9 }),
        rec({ second: 5, status: 'p2o0' }, { partition: 2, offset: 0 }),
      ],
      noRules,
    );
    expect(plan?.item.status).toBe('p2o1');
    expect(plan?.item.stateSource).toEqual({ topic: 't', partition: 2, offset: 1 });
  });

  it('never rolls back on a late record, but the late record still counts in aggregates', () => {
    const first = planDevice('d1', undefined, [rec({ second: 10, status: 'up', cpuUsage: 5 })], noRules);
    const late = planDevice('d1', first?.item, [rec({ second: 3, status: 'down', cpuUsage: 99 })], noRules);
    expect(late?.item).toMatchObject({
      status: 'up',
      cpuUsage: 5,
      recordCount: 2,
      downCount: 1,
      cpuMax: 99,
      firstSeen: '2026-11-21T10:00:03.000Z',
      lastSeen: '2026-11-21T10:00:10.000Z',
    });
  });

  it('folds lifetime aggregates and distinct sorted interfaces; bumps version; joins the registry', () => {
    const plan = planDevice(
      'd1',
      undefined,
      [
        rec({ cpuUsage: 10.1, memoryUsage: 7, interface: 'eth1' }),
        rec({ cpuUsage: 20.2, memoryUsage: 3, interface: 'eth0', status: 'down' }),
        rec({ cpuUsage: 0.3, memoryUsage: 5, interface: 'eth1' }),
      ],
      { rules: [], registry: { tier: 'gold' } },
    );
    expect(plan?.item).toMatchObject({
      ...deviceKey('d1'),
      recordCount: 3,
      downCount: 1,
      cpuMin: 0.3,
      cpuMax: 20.2,
      cpuSum: 30.6,
      memoryMin: 3,
      memoryMax: 7,
      memorySum: 15,
      interfaces: ['eth0', 'eth1'],
      registry: { tier: 'gold' },
      version: 1,
      firing: [],
    });
    expect(plan?.expectedVersion).toBeNull();
    expect(plan?.before).toBeNull();
    const again = planDevice('d1', plan?.item, [rec({ second: 60 })], noRules);
    expect(again?.expectedVersion).toBe(1);
    expect(again?.item.version).toBe(2);
    expect(again?.item.registry).toBeUndefined();
  });

  it('skips records at or below the watermark (replays) and returns null when nothing is new', () => {
    const records = [rec({}, { offset: 1 }), rec({}, { offset: 2 })];
    const first = planDevice('d1', undefined, records, noRules);
    expect(first?.item.offsets).toEqual({ 0: 2 });
    expect(planDevice('d1', first?.item, records, noRules)).toBeNull();
    const overlap = planDevice('d1', first?.item, [...records, rec({}, { offset: 3 })], noRules);
    expect(overlap?.item.recordCount).toBe(3);
  });

  it('keeps sums exact whatever the folding order', () => {
    const values = [0.1, 0.2, 0.3, 33.3, 99.9, 1e-3];
    const forward = values.reduce(addExact, 0);
    const backward = [...values].reverse().reduce(addExact, 0);
    expect(forward).toBe(backward);
    expect(forward).toBe(133.801);
  });
});

describe('per-minute windows', () => {
  it('folds count, sums, maxima and downCount; expires at window end + retention', () => {
    const plan = planWindow(
      { deviceId: 'd1', retentionDays: 7, source: 'c/t' },
      {
        start: '2026-11-21T10:00Z',
        stored: undefined,
        records: [
          rec({ cpuUsage: 10, memoryUsage: 5 }),
          rec({ cpuUsage: 30, memoryUsage: 2, status: 'down' }),
        ],
      },
    );
    expect(plan?.item).toMatchObject({
      ...windowKey('d1', '2026-11-21T10:00Z'),
      count: 2,
      cpuSum: 40,
      cpuMax: 30,
      memorySum: 7,
      memoryMax: 5,
      downCount: 1,
      expiresAt: T0 / 1000 + 60 + 7 * 86_400,
    });
    expect(windowExpiresAt('2026-11-21T10:00Z', 1)).toBe(T0 / 1000 + 60 + 86_400);
    expect(
      planWindow(
        { deviceId: 'd1', retentionDays: 7, source: 'c/t' },
        { start: '2026-11-21T10:00Z', stored: plan?.item, records: [] },
      ),
    ).toBeNull();
  });
});

describe('fleet records shard (per source partition)', () => {
  it('counts records by model above its offset watermark', () => {
    const records = [rec({}, { offset: 4 }), rec({ model: 'TG1672' }, { offset: 5 })];
    const plan = planFleetRecords('t', 0, undefined, records);
    expect(plan?.item).toMatchObject({
      ...fleetItemKey('t', 0),
      records: 2,
      byModel: { EVG2000: 1, TG1672: 1 },
    });
    expect(plan?.item.offset).toBe(5);
    expect(planFleetRecords('t', 0, plan?.item, records)).toBeNull();
    expect(planFleetRecords('t', 0, plan?.item, [...records, rec({}, { offset: 6 })])?.item.records).toBe(3);
  });
});

describe('fleet device counts in the partition fleet item', () => {
  const at = { topic: 't', partition: 3 };
  it('adds a new device, moves a changed one, and drops zero counts, keeping the record counts', () => {
    const records = planFleetRecords('t', 3, undefined, [rec({}, { partition: 3, offset: 7 })])?.item;
    const delta = emptyDelta();
    accumulateDelta(delta, null, { model: 'EVG2000', status: 'up' });
    const item = applyFleetDelta(at, records, delta);
    expect(item).toEqual({
      ...fleetItemKey('t', 3),
      topic: 't',
      partition: 3,
      records: 1,
      byModel: { EVG2000: 1 },
      offset: 7,
      devices: 1,
      byStatus: { up: 1 },
      byModelDevices: { EVG2000: 1 },
      byModelDown: {},
      version: 2,
    });
    const change = emptyDelta();
    accumulateDelta(change, { model: 'EVG2000', status: 'up' }, { model: 'EVG2000', status: 'down' });
    expect(applyFleetDelta(at, item, change)).toMatchObject({
      records: 1,
      offset: 7,
      devices: 1,
      byStatus: { down: 1 },
      byModelDown: { EVG2000: 1 },
      version: 3,
    });
  });

  it('counts a change through a partition that never counted the device (its counts go negative; sums hold)', () => {
    const change = emptyDelta();
    accumulateDelta(change, { model: 'EVG2000', status: 'up' }, { model: 'EVG2000', status: 'down' });
    expect(applyFleetDelta(at, undefined, change)).toMatchObject({
      records: 0,
      offset: -1,
      devices: 0,
      byStatus: { up: -1, down: 1 },
      byModelDevices: {},
      byModelDown: { EVG2000: 1 },
      version: 1,
    });
  });

  it('counts a device through the lowest partition of its records in the batch', () => {
    const records = [rec({}, { partition: 4, offset: 1 }), rec({}, { partition: 2, offset: 9 })];
    expect(countingPartitionKey(records)).toEqual({ ...fleetItemKey('t', 2), topic: 't', partition: 2 });
    expect(() => countingPartitionKey([])).toThrow(/no counting partition/);
  });
});

describe('batch planning', () => {
  const records = [
    rec({ deviceId: 'a', second: 1 }, { partition: 0, offset: 1 }),
    rec({ deviceId: 'a', second: 61 }, { partition: 0, offset: 2 }),
    rec({ deviceId: 'b', second: 2 }, { partition: 1, offset: 1 }),
    rec({ deviceId: 'b', second: 2 }, { partition: 1, offset: 1 }), // delivered twice
  ];

  it('groups by item, dropping duplicate deliveries, and lists the keys to read', () => {
    const groups = groupBatch(records);
    expect(groups.devices.get('b')).toHaveLength(1);
    expect(groups.windows.size).toBe(3);
    expect(groups.partitions.size).toBe(2);
    const keys = keysToRead(groups).map(itemId);
    expect(keys).toContain(itemId(deviceKey('a')));
    expect(keys).toContain(itemId(fleetItemKey('t', 1)));
    // Two devices and two partitions' fleet items: nothing else (no window item of a device not yet read).
    expect(keys).toHaveLength(2 + 2);
  });

  it('reads only the window items that can exist: minutes before an existing device open minute', () => {
    const groups = groupBatch(records);
    // Devices not yet written have no window items.
    expect(windowKeysToRead(groups, new Map())).toEqual([]);
    const device = (id: string, open: string | undefined): [string, StateItem] => [
      itemId(deviceKey(id)),
      {
        ...deviceKey(id),
        ...(open === undefined ? {} : { openWindow: { start: open } }),
      } as unknown as StateItem,
    ];
    // a is open at 10:01: its 10:00 may be a window item, its 10:01 is in the device; b predates open windows.
    const items = new Map([device('a', '2026-11-21T10:01Z'), device('b', undefined)]);
    expect(windowKeysToRead(groups, items).map(itemId).sort()).toEqual(
      [windowKey('a', '2026-11-21T10:00Z'), windowKey('b', '2026-11-21T10:00Z')].map(itemId).sort(),
    );
  });

  it('plans only touched items, one write each, and nothing for a full replay', () => {
    const planner = createPlanner(groupBatch(records), {
      rules: [],
      registryOf: () => null,
      windowRetentionDays: 7,
      source: 'c/t',
    });
    const plan = planBatch(planner, new Map());
    // a's 10:00 is a window item, in a's transaction (no late window on its own); a's 10:01 and b's 10:00 are open
    // windows inside the device items.
    expect([plan.devices.length, plan.windows.length, plan.fleetRecords.length]).toEqual([2, 0, 2]);
    const withDevice = plan.devices.flatMap((d) => d.withDevice);
    expect(withDevice.map((w) => w.item.sk)).toEqual(['WIN#2026-11-21T10:00Z']);
    expect(plan.devices.map((d) => d.item.openWindow?.start)).toEqual([
      '2026-11-21T10:01Z',
      '2026-11-21T10:00Z',
    ]);
    const written = new Map(
      [...plan.devices, ...withDevice, ...plan.fleetRecords].map((p) => [itemId(p.item), p.item]),
    );
    const replay = planBatch(planner, written);
    expect(replay).toEqual({ alerts: [], resolves: [], devices: [], windows: [], fleetRecords: [] });
  });

  it('splits decoded records from dead-letters with original bytes and position', () => {
    const { valid, invalid } = decodeBatch(
      [
        { topic: 't', partition: 4, offset: 8, timestampMs: 0, key: null, value: Buffer.from('nope') },
        {
          topic: 't',
          partition: 4,
          offset: 9,
          timestampMs: 0,
          key: Buffer.from('k'),
          value: Buffer.from('[]'),
        },
      ],
      T0,
    );
    expect(valid).toEqual([]);
    expect(invalid).toEqual([
      expect.objectContaining({
        partition: 4,
        offset: 8,
        key: null,
        value: Buffer.from('nope').toString('base64'),
      }),
      expect.objectContaining({
        offset: 9,
        key: 'aw==',
        reason: 'not a JSON object: got array',
        at: new Date(T0).toISOString(),
      }),
    ]);
  });
});
