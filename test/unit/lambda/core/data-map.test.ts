/** Maps keyed by data: prototype names are ordinary keys, survive the SDK's marshaller, and the maps stay bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_COUNT_KEY_BYTES,
  MAX_COUNT_KEYS,
  mergeCounts,
  nameOfStoredKey,
  OVERFLOW_KEY,
  readCounts,
  storedKey,
} from '#core/data-map.ts';
import { accumulateDelta, applyFleetDelta, emptyDelta } from '#core/fleet-devices.ts';
import { planFleetRecords } from '#core/fleet-records.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { PROTOTYPE_NAMES } from '#test/support/hostile-names.ts';
import { throughDynamoDb } from '#test/support/marshalled-state.ts';

const decoded = (stored: Record<string, number>) =>
  new Map(Object.entries(stored).map(([key, count]) => [nameOfStoredKey(key), count]));

describe('stored keys', () => {
  it('escape reversibly, never onto the overflow key (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ minLength: 1 })), (name) => {
        expect(nameOfStoredKey(storedKey(name))).toBe(name);
        expect(storedKey(name)).not.toBe(OVERFLOW_KEY);
        expect(storedKey(name)).not.toMatch(/^(__proto__|constructor)$/);
      }),
    );
  });
});

describe('fleet items with prototype names', () => {
  it.each(PROTOTYPE_NAMES)('counts model and status "%s" exactly through marshall/unmarshall', (name) => {
    let shard: FleetItem | undefined;
    let records: FleetItem | undefined;
    for (let i = 0; i < 3; i++) {
      const delta = emptyDelta();
      accumulateDelta(delta, null, { model: name, status: i === 2 ? 'down' : name });
      shard = throughDynamoDb(applyFleetDelta({ topic: 't', partition: 1 }, shard, delta)).item;
      const batch = [0, 1].map((n) => ({
        topic: 't',
        partition: 0,
        offset: i * 2 + n,
        record: {
          deviceId: `d${i}`,
          model: name,
          interface: 'eth0',
          status: 'up',
          cpuUsage: 1,
          memoryUsage: 1,
          eventTime: '2026-11-21T10:00:00.000Z',
          eventTimeMs: 0,
        },
      }));
      const planned = planFleetRecords('t', 0, records, batch);
      records = planned ? throughDynamoDb(planned.item).item : records;
    }
    expect(decoded(records?.byModel ?? {})).toEqual(new Map([[name, 6]]));
    expect(decoded(shard?.byModelDevices ?? {})).toEqual(new Map([[name, 3]]));
    expect(decoded(shard?.byModelDown ?? {})).toEqual(new Map([[name, 1]]));
    expect(decoded(shard?.byStatus ?? {})).toEqual(
      new Map([
        [name, 2],
        ['down', 1],
      ]),
    );
  });
});

describe('readCounts', () => {
  it('decodes stored keys for readers and sets the overflow apart', () => {
    const stored = mergeCounts(
      undefined,
      new Map([
        ['constructor', 2],
        ['~x', 1],
        ['EVG2000', 4],
      ]),
    );
    const { byName, overflow } = readCounts({
      ...throughDynamoDb({ stored }).item.stored,
      [OVERFLOW_KEY]: 3,
    });
    expect(byName).toEqual(
      new Map([
        ['constructor', 2],
        ['~x', 1],
        ['EVG2000', 4],
      ]),
    );
    expect(overflow).toBe(3);
  });
});

describe('mergeCounts', () => {
  it('is bounded, keeps totals exact, and exact per name while within bounds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.tuple(
              fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 300 })),
              fc.integer({ min: -3, max: 5 }),
            ),
            {
              maxLength: 400,
            },
          ),
          { maxLength: 8 },
        ),
        (changes) => {
          let stored: Record<string, number> = {};
          const expected = new Map<string, number>();
          let overflowed = false;
          for (const change of changes) {
            const map = new Map<string, number>();
            for (const [name, by] of change) {
              map.set(name, (map.get(name) ?? 0) + by);
              expected.set(name, (expected.get(name) ?? 0) + by);
            }
            stored = throughDynamoDb({ counts: mergeCounts(stored, map) }).item.counts;
            overflowed ||= OVERFLOW_KEY in stored;
          }
          const keys = Object.keys(stored);
          expect(keys.length).toBeLessThanOrEqual(MAX_COUNT_KEYS + 1);
          expect(keys.reduce((s, k) => s + Buffer.byteLength(k), 0)).toBeLessThanOrEqual(
            MAX_COUNT_KEY_BYTES + OVERFLOW_KEY.length,
          );
          const total = [...expected.values()].reduce((a, b) => a + b, 0);
          expect(Object.values(stored).reduce((a, b) => a + b, 0)).toBe(total);
          if (!overflowed)
            expect(decoded(stored)).toEqual(new Map([...expected].filter(([, count]) => count !== 0)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts what no longer fits under the overflow key', () => {
    const change = new Map(Array.from({ length: MAX_COUNT_KEYS + 5 }, (_, i) => [`m${i}`, 1]));
    const stored = mergeCounts(undefined, change);
    expect(Object.keys(stored)).toHaveLength(MAX_COUNT_KEYS + 1);
    expect(stored[OVERFLOW_KEY]).toBe(5);
  });
});
