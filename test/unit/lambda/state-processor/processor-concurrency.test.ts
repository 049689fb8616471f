import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetItem } from '#core/items/fleet.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import type { StateStore } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { sumFleet } from '#lambda/lookup-api/mappers.ts';
import {
  consumeSteps,
  contendingProcessor,
  type Step,
  uncommitted,
} from '#test/support/contending-invocations.ts';
import { episodeViolations, withoutEpisodePaths } from '#test/support/episodes.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { MemoryAlertSink, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { ScheduledStateStore } from '#test/support/scheduled-store.ts';

// Two invocations of the same partitions at once (Lambda does this around a rebalance or a timeout): each takes a
// batch from the committed offset (sometimes re-reading a few records before it), with its own boundaries, and
// their DynamoDB calls interleave in any order. The tables must equal one clean pass.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const PARTITIONS = 3;
const rules: Rule[] = [
  {
    ruleId: 'down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
];

const recordArb = fc.record({
  partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
  device: fc.integer({ min: 0, max: 2 }),
  status: fc.integer({ min: 0, max: 1 }),
  cpu: fc.integer({ min: 0, max: 100 }),
  second: fc.integer({ min: 0, max: 299 }),
});
type Spec = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

/** Per partition: records behind the committed offset re-read, and records taken after it. */
const stepArb = fc.array(
  fc.record({ back: fc.integer({ min: 0, max: 3 }), take: fc.integer({ min: 0, max: 6 }) }),
  {
    minLength: PARTITIONS,
    maxLength: PARTITIONS,
  },
);
const workerArb = fc.array(stepArb, { minLength: 1, maxLength: 4 });

const produce = (specs: readonly Spec[], keyed: boolean): SourceRecord[][] => {
  const logs: SourceRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const [index, s] of specs.entries()) {
    // Keyed: each device on one partition and in time order, so even alerts (edge-triggered) are boundary-free.
    const second = keyed ? index * 10 : s.second;
    const partition = keyed ? s.device % PARTITIONS : s.partition;
    const log = logs[partition] as SourceRecord[];
    const deviceid = `d${s.device}`;
    log.push({
      topic: TOPIC,
      partition,
      offset: log.length,
      timestampMs: BASE_MS + 3_600_000,
      key: keyed ? Buffer.from(deviceid) : null,
      value: Buffer.from(
        JSON.stringify({
          deviceid,
          model: 'EVG2000',
          interface: 'eth0',
          interfacestatus: ['up', 'down'][s.status],
          cpuusage: s.cpu,
          memoryusage: second,
          event_time: new Date(BASE_MS + second * 1000).toISOString(),
        }),
      ),
    });
  }
  return logs;
};

// An hour after the records: none is in the future.
const processorOn = (store: StateStore, alerts: MemoryAlertSink) =>
  contendingProcessor(store, alerts, rules, BASE_MS + 3_600_000);

const cleanRun = async (logs: SourceRecord[][]) => {
  const store = new MemoryStateStore();
  const alerts = new MemoryAlertSink();
  await processorOn(store, alerts).process(toMskEvent(logs.flat()));
  return { store, alerts };
};

const concurrentRun = async (logs: SourceRecord[][], workers: Step[][], scheduler: fc.Scheduler) => {
  const store = new MemoryStateStore();
  const alerts = new MemoryAlertSink();
  const committed = logs.map(() => 0);
  const consume = async (steps: Step[], name: string) => {
    const processor = processorOn(new ScheduledStateStore(store, scheduler, name), alerts);
    await consumeSteps(logs, committed, steps, async (batch) => {
      await processor.process(toMskEvent(batch));
      return true;
    });
  };
  await scheduler.waitFor(Promise.all(workers.map((steps, i) => consume(steps, `w${i}`))));
  // Whatever the workers left behind, one more invocation drains.
  const rest = uncommitted(logs, committed);
  if (rest.length > 0) await processorOn(store, alerts).process(toMskEvent(rest));
  return { store, alerts };
};

describe('state processor: concurrent invocations on the same partitions', () => {
  it.each([
    ['unkeyed, out of order', false],
    ['keyed, in time order', true],
  ])(
    'equals one clean pass for any batch boundaries and interleaving (%s)',
    async (_name, keyed) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { minLength: 1, maxLength: 30 }),
          fc.array(workerArb, { minLength: 2, maxLength: 3 }),
          fc.scheduler(),
          async (specs, workers, scheduler) => {
            const logs = produce(specs, keyed);
            const clean = await cleanRun(logs);
            const concurrent = await concurrentRun(logs, workers, scheduler);
            // Out of order across batches, which record raised an alert (and so each `openAlerts` entry) depends on
            // the boundaries; in time order, alerts, their episodes and the device items all equal the clean pass.
            const view = (store: MemoryStateStore) =>
              keyed ? store.snapshot() : withoutEpisodePaths(store.snapshot());
            expect(view(concurrent.store)).toEqual(view(clean.store));
            expect(episodeViolations(concurrent.alerts, concurrent.store, keyed)).toEqual([]);
            expect(episodeViolations(clean.alerts, clean.store, true)).toEqual([]);
            if (keyed) expect(concurrent.alerts.alerts).toEqual(clean.alerts.alerts);
          },
        ),
        { numRuns: 200 },
      );
    },
    120_000,
  );
});

describe('fleet counts under a mass status change', () => {
  const PARTITIONS_DOWN = 8;
  const DEVICES = 16;
  const batch = (partition: number, offset: number, status: string) =>
    toMskEvent(
      Array.from({ length: DEVICES }, (_, i) => ({
        topic: TOPIC,
        partition,
        offset: offset + i,
        key: null,
        value: Buffer.from(
          JSON.stringify({
            deviceid: `dev-${partition}-${i}`,
            model: 'EVG2000',
            interface: 'eth0',
            interfacestatus: status,
            cpuusage: 1,
            memoryusage: 1,
            event_time: new Date(BASE_MS + offset * 1000).toISOString(),
          }),
        ),
      })),
    );

  it('converges with the default attempt budgets, whatever the interleaving, with exact counts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const store = new MemoryStateStore();
        const processor = (s: StateStore) =>
          memoryProcessor({
            store: s,
            clock: () => BASE_MS + 3_600_000,
            fleetItemBackoff: { sleep: async () => {} },
          });
        for (let p = 0; p < PARTITIONS_DOWN; p++) await processor(store).process(batch(p, 0, 'up'));
        // Every partition turns its devices down at once, and every batch is delivered twice concurrently (a
        // retry overlapping the original): the two invocations of a partition contend for its fleet item.
        const all = Array.from({ length: PARTITIONS_DOWN * 2 }, (_, i) => {
          const p = i % PARTITIONS_DOWN;
          return processor(new ScheduledStateStore(store, scheduler, `p${p}-${i}`)).process(
            batch(p, DEVICES, 'down'),
          );
        });
        await scheduler.waitFor(Promise.all(all));
        const fleet = sumFleet(
          [...store.items.values()].filter((i) => i.sk.startsWith('RECORDS#')) as FleetItem[],
        );
        const total = PARTITIONS_DOWN * DEVICES;
        expect(fleet).toEqual({
          devices: total,
          records: total * 2,
          byStatus: { down: total },
          byModel: { EVG2000: { devices: total, records: total * 2, down: total } },
        });
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});

describe('record counts of a partition whose fleet-count change was lost to another invocation', () => {
  const record = (offset: number, deviceid: string): SourceRecord => ({
    topic: TOPIC,
    partition: 0,
    offset,
    timestampMs: BASE_MS + 3_600_000,
    key: null,
    value: Buffer.from(
      JSON.stringify({
        deviceid,
        model: 'EVG2000',
        interface: 'eth0',
        interfacestatus: 'up',
        cpuusage: 1,
        memoryusage: 1,
        event_time: new Date(BASE_MS + offset * 1000).toISOString(),
      }),
    ),
  });

  it('are still written when every device that would have carried them has nothing left to fold', async () => {
    const store = new MemoryStateStore();
    const processor = (s: StateStore) => memoryProcessor({ store: s, clock: () => BASE_MS + 3_600_000 });
    await processor(store).process(toMskEvent([record(0, 'known')]));
    // B reads (d1 absent: a new device, so partition 0's record counts wait for its fleet-count transaction), then
    // A, a shorter delivery of the same partition, creates d1 before B writes anything.
    let raced = false;
    const racing: StateStore = {
      read: async (keys, options) => {
        const items = await store.read(keys, options);
        if (!raced) {
          raced = true;
          await processor(store).process(toMskEvent([record(1, 'd1')]));
        }
        return items;
      },
      put: (write) => store.put(write),
      transact: (writes) => store.transact(writes),
    };
    await processor(racing).process(toMskEvent([record(1, 'd1'), record(2, 'known')]));
    // B's d1 has nothing left to fold; its record counts (offset 2) must not be lost with it.
    expect(store.items.get(`FLEET\nRECORDS#${TOPIC}#0`)).toMatchObject({ records: 3, offset: 2, devices: 2 });
  });
});
