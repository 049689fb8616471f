/**
 * Replay determinism: every accept/reject decision is a function of the record and the configuration only. The same
 * batch processed at any two clock readings (a clean pass each, or a first attempt that fails part-way and a retry
 * at another reading) dead-letters the same records with the same reasons and leaves identical items; no record is
 * both folded and dead-lettered. With the skew rule judged against the processing clock this fails (a record 320 s
 * ahead is refused at one reading and folded at a later one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import { STATE_SK } from '#core/items/keys.ts';
import { NO_KAFKA_TIMESTAMP } from '#core/msk-event.ts';
import type { Rule } from '#core/rules.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import {
  type Fault,
  MemoryAlertSink,
  MemoryDeadLetterSink,
  MemoryStateStore,
  staticRules,
} from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const TOPIC = 'modem-telemetry';
const SKEW_MS = 300_000;
const RULES: Rule[] = [
  {
    ruleId: 'down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
];

interface Spec {
  device: number;
  partition: number;
  /** Kafka timestamp, ms after T0; null = none (-1). */
  appendedMs: number | null;
  /** event_time minus the Kafka timestamp (or minus T0 when there is none). */
  aheadMs: number;
  down: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  device: fc.integer({ min: 0, max: 3 }),
  partition: fc.integer({ min: 0, max: 1 }),
  appendedMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { freq: 8 }),
  // Around the margin on both sides, with the boundary itself and one past it likely.
  aheadMs: fc.oneof(
    fc.integer({ min: -600_000, max: 900_000 }),
    fc.constantFrom(SKEW_MS, SKEW_MS + 1, 320_000, 295_000),
  ),
  down: fc.boolean(),
});

const eventOf = (specs: readonly Spec[]) => {
  const offsets = [0, 0];
  return toMskEvent(
    specs.map((s) => {
      const appended = s.appendedMs === null ? null : T0 + s.appendedMs;
      const offset = offsets[s.partition] ?? 0;
      offsets[s.partition] = offset + 1;
      return {
        topic: TOPIC,
        partition: s.partition,
        offset,
        timestampMs: appended ?? NO_KAFKA_TIMESTAMP,
        value: Buffer.from(
          JSON.stringify({
            deviceid: `d${s.device}`,
            model: 'EVG2000',
            interface: 'eth0',
            interfacestatus: s.down ? 'down' : 'up',
            cpuusage: 10,
            memoryusage: 100,
            event_time: new Date((appended ?? T0) + s.aheadMs).toISOString(),
          }),
        ),
      };
    }),
  );
};

/** A clock reading anywhere within a day of the batch. */
const clockArb = fc.integer({ min: T0 - 86_400_000, max: T0 + 86_400_000 });

const run = async (
  event: unknown,
  attempts: readonly { clockMs: number; fault?: (n: number) => Fault }[],
) => {
  const store = new MemoryStateStore();
  const alerts = new MemoryAlertSink();
  const deadLetters = new MemoryDeadLetterSink();
  for (const { clockMs, fault } of attempts) {
    let writes = 0;
    store.fault = () => (fault ? fault(writes++) : 'none');
    const processor = memoryProcessor({
      store,
      alerts,
      deadLetters,
      rules: staticRules(RULES),
      clock: () => clockMs,
      maxEventTimeSkewMs: SKEW_MS,
      maxWriteAttempts: 3,
    });
    try {
      await processor.process(event);
    } catch {
      // A failed attempt: Lambda retries the batch (the next attempt).
    }
  }
  store.fault = () => 'none';
  const rejected = new Map(deadLetters.letters.map((l) => [l.id, `${l.partition}@${l.offset} ${l.reason}`]));
  const folded = [...store.items.values()]
    .filter((i): i is DeviceItem => i.sk === STATE_SK)
    .reduce((sum, d) => sum + d.recordCount, 0);
  return { items: store.snapshot(), alerts: [...alerts.alerts.keys()].sort(), rejected, folded };
};

describe('replay determinism: decisions do not depend on when a batch runs', () => {
  it('any batch at any two clock readings: same dead-letters, same items, same alerts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 24 }),
        clockArb,
        clockArb,
        async (specs, first, second) => {
          const event = eventOf(specs);
          const a = await run(event, [{ clockMs: first }]);
          const b = await run(event, [{ clockMs: second }]);
          expect([...b.rejected]).toEqual([...a.rejected]);
          expect(b.items).toEqual(a.items);
          expect(b.alerts).toEqual(a.alerts);
          expect(a.folded + a.rejected.size).toBe(specs.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a first attempt that fails part-way and a retry at another reading end as one clean pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 24 }),
        clockArb,
        clockArb,
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom<Fault>('crash', 'lost-ack'),
        async (specs, first, second, failAt, kind) => {
          const event = eventOf(specs);
          const clean = await run(event, [{ clockMs: first }]);
          const retried = await run(event, [
            { clockMs: first, fault: (n) => (n >= failAt ? kind : 'none') },
            { clockMs: second },
          ]);
          // Dead-letters are written at least once; by id they are the same set, and never for a folded record.
          expect([...retried.rejected]).toEqual([...clean.rejected]);
          expect(retried.items).toEqual(clean.items);
          expect(retried.alerts).toEqual(clean.alerts);
          expect(retried.folded + retried.rejected.size).toBe(specs.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
