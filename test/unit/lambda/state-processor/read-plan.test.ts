import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rule } from '#core/rules.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { MemoryAlertSink, MemoryStateStore, staticRules } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

// The first read skips window items that cannot exist (batch/read-keys.ts windowKeysToRead). Exactness never rests on it (an
// item taken as absent is written on condition of its absence), its cost does: an existing item it skipped would
// surface as a conflict and a second, strongly consistent read. So: with one writer, in any order of minutes (late
// records, closes, several devices), no batch ever conflicts.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');

const recordsArb = fc.array(
  fc.record({ device: fc.integer({ min: 0, max: 2 }), second: fc.integer({ min: 0, max: 280 }) }),
  { minLength: 1, maxLength: 40 },
);

describe('first read of a batch', () => {
  it('never misses an existing window item: a lone writer meets no conflict', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArb,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1 }),
        async (specs, sizes) => {
          const store = new MemoryStateStore();
          const processor = memoryProcessor({ store, clock: () => BASE_MS });
          const records = specs.map((s, offset) =>
            sourceRecord(
              { topic: TOPIC, partition: 0, offset, timestampMs: BASE_MS },
              telemetryValue({ deviceid: `d${s.device}`, event_time: eventTimeAt(BASE_MS, s.second) }),
            ),
          );
          let conflicts = 0;
          for (let at = 0, i = 0; at < records.length; i++) {
            const size = sizes[i % sizes.length] ?? 1;
            const summary = await processor.process(toMskEvent(records.slice(at, at + size)));
            conflicts += summary.conflicts;
            at += size;
          }
          expect(conflicts).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  // The first read is eventually consistent: a stale item (any number of writes behind, or not there yet) must end
  // in the same state and the same alerts as current reads. Alerts are edge-triggered on the device's firing rules
  // and written before the device, so they are what a stale device would get wrong.
  const rules: Rule[] = [
    {
      ruleId: 'down',
      when: { field: 'interfacestatus', op: '==', value: 'down' },
      severity: 'critical',
      enabled: true,
    },
  ];
  const statusArb = fc.array(
    fc.record({
      device: fc.integer({ min: 0, max: 2 }),
      second: fc.integer({ min: 0, max: 280 }),
      down: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  );
  const run = async (
    specs: { device: number; second: number; down: boolean }[],
    sizes: number[],
    stale: (id: string, images: number) => number,
  ) => {
    const store = new MemoryStateStore();
    store.stale = stale;
    const alerts = new MemoryAlertSink();
    const processor = memoryProcessor({ store, alerts, rules: staticRules(rules), clock: () => BASE_MS });
    const records = specs.map((s, offset) =>
      sourceRecord(
        { topic: TOPIC, partition: 0, offset, timestampMs: BASE_MS },
        telemetryValue({
          deviceid: `d${s.device}`,
          interfacestatus: s.down ? 'down' : 'up',
          event_time: eventTimeAt(BASE_MS, s.second),
        }),
      ),
    );
    for (let at = 0, i = 0; at < records.length; i++) {
      const size = sizes[i % sizes.length] ?? 1;
      await processor.process(toMskEvent(records.slice(at, at + size)));
      at += size;
    }
    return { state: store.snapshot(), alerts: [...alerts.alerts.keys()].sort() };
  };

  it('is exact with stale eventually consistent reads: same items, same alerts', async () => {
    await fc.assert(
      fc.asyncProperty(
        statusArb,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1 }),
        async (specs, sizes, lags) => {
          let call = 0;
          const stale = (_id: string, images: number) => Math.min(images, lags[call++ % lags.length] ?? 0);
          expect(await run(specs, sizes, stale)).toEqual(await run(specs, sizes, () => 0));
        },
      ),
      { numRuns: 200 },
    );
  });
});
