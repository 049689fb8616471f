import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertItem } from '#core/items/alert.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import type { ConditionalWrite, StateStore } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import {
  consumeSteps,
  contendingProcessor,
  type Step,
  uncommitted,
} from '#test/support/contending-invocations.ts';
import { episodeViolations } from '#test/support/episodes.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { type Fault, MemoryAlertSink, MemoryStateStore, staticRules } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { ScheduledStateStore } from '#test/support/scheduled-store.ts';

// `forSeconds` (issue 21 item 3): a rule fires only once its condition has held on every record of the device for
// that long by event_time, once per stretch of the condition, and exactly once whatever the batch boundaries,
// duplicates, re-deliveries, failures and concurrent invocations. Each device is keyed to one partition and reports in
// time order (a device's stretches are then the same in every history); the expected episodes come from the
// definition, record by record, not from the processor.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const PARTITIONS = 3;
const NOW_MS = BASE_MS + 86_400_000;

const rulesWith = (forSeconds: number): Rule[] => [
  {
    ruleId: 'hot',
    when: { field: 'cpuusage', op: '>', value: 80 },
    forSeconds,
    severity: 'warning',
    enabled: true,
  },
  {
    ruleId: 'down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
];

const recordArb = fc.record({
  device: fc.integer({ min: 0, max: 2 }),
  gapSeconds: fc.integer({ min: 1, max: 40 }),
  hot: fc.boolean(),
  down: fc.boolean(),
});
type Spec = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;
interface Produced {
  source: SourceRecord;
  deviceId: string;
  eventTimeMs: number;
  hot: boolean;
}

const produce = (specs: readonly Spec[]) => {
  const logs: SourceRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const produced: Produced[] = [];
  const clock = new Map<string, number>();
  for (const s of specs) {
    const deviceid = `d${s.device}`;
    const eventTimeMs = (clock.get(deviceid) ?? BASE_MS) + s.gapSeconds * 1000;
    clock.set(deviceid, eventTimeMs);
    const partition = s.device % PARTITIONS;
    const log = logs[partition] as SourceRecord[];
    const source: SourceRecord = {
      topic: TOPIC,
      partition,
      offset: log.length,
      timestampMs: eventTimeMs,
      key: Buffer.from(deviceid),
      value: Buffer.from(
        JSON.stringify({
          deviceid,
          model: 'EVG2000',
          interface: 'eth0',
          interfacestatus: s.down ? 'down' : 'up',
          cpuusage: s.hot ? 95 : 10,
          memoryusage: 1,
          event_time: new Date(eventTimeMs).toISOString(),
        }),
      ),
    };
    log.push(source);
    produced.push({ source, deviceId: deviceid, eventTimeMs, hot: s.hot });
  }
  return { logs, produced };
};

/** An alert as the tests compare it. */
const episodeOf = (
  a: Pick<AlertItem, 'deviceId' | 'partition' | 'offset' | 'startsAt' | 'state' | 'endsAt' | 'at'>,
) => ({
  deviceId: a.deviceId,
  raisedBy: `${a.partition}@${a.offset}`,
  at: a.at,
  startsAt: a.startsAt,
  state: a.state,
  endsAt: a.endsAt,
});
type Expected = ReturnType<typeof episodeOf>;
const sorted = (episodes: Expected[]) =>
  [...episodes].sort((a, b) => (a.raisedBy < b.raisedBy ? -1 : a.raisedBy > b.raisedBy ? 1 : 0));

/** The `hot` episodes by definition: per stretch of records in the condition, the first one it has held F s by. */
const expectedEpisodes = (produced: readonly Produced[], forSeconds: number): Expected[] => {
  const out: Expected[] = [];
  const stretch = new Map<string, { since: number; open: Expected | null }>();
  for (const p of produced) {
    const at = new Date(p.eventTimeMs).toISOString();
    const current = stretch.get(p.deviceId);
    if (!p.hot) {
      if (current?.open) Object.assign(current.open, { state: 'resolved', endsAt: at });
      stretch.delete(p.deviceId);
      continue;
    }
    const since = current?.since ?? p.eventTimeMs;
    const held = { since, open: current?.open ?? null };
    if (held.open === null && p.eventTimeMs - since >= forSeconds * 1000) {
      const { partition, offset } = p.source;
      held.open = episodeOf({
        deviceId: p.deviceId,
        partition,
        offset,
        at,
        startsAt: new Date(since).toISOString(),
        state: 'firing',
        endsAt: null,
      });
      out.push(held.open);
    }
    stretch.set(p.deviceId, held);
  }
  return sorted(out);
};

const hotEpisodes = (alerts: MemoryAlertSink): Expected[] =>
  sorted([...alerts.alerts.values()].filter((a) => a.ruleId === 'hot').map(episodeOf));

const processorOn = (store: StateStore, alerts: MemoryAlertSink, forSeconds: number) =>
  memoryProcessor({
    store,
    alerts,
    rules: staticRules(rulesWith(forSeconds)),
    clock: () => NOW_MS,
    maxWriteAttempts: 50,
  });

const cleanRun = async (logs: SourceRecord[][], forSeconds: number) => {
  const store = new MemoryStateStore();
  const alerts = new MemoryAlertSink();
  await processorOn(store, alerts, forSeconds).process(toMskEvent(logs.flat()));
  return { store, alerts };
};

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Re-deliveries from the committed offset (sometimes before it, with duplicates) until each batch goes through. */
const replayedRun = async (logs: SourceRecord[][], forSeconds: number, seed: number) => {
  const random = mulberry32(seed);
  let faulty = true;
  const fault = (_write: ConditionalWrite): Fault => {
    if (!faulty) return 'none';
    const roll = random();
    return roll < 0.08 ? 'crash' : roll < 0.16 ? 'lost-ack' : roll < 0.3 ? 'touch' : 'none';
  };
  const store = new MemoryStateStore(fault);
  const alerts = new MemoryAlertSink(() => faulty && random() < 0.05);
  const processor = processorOn(store, alerts, forSeconds);
  const committed = logs.map(() => 0);
  for (let round = 0; committed.some((c, p) => c < (logs[p] as SourceRecord[]).length); round++) {
    if (round > 300) faulty = false; // bounded chaos: the stream must then drain cleanly
    if (round > 2000) throw new Error('did not drain');
    const ends: number[] = [];
    const batch = logs.flatMap((log, p) => {
      const from = committed[p] as number;
      const start = random() < 0.2 ? Math.max(0, from - Math.floor(random() * 4)) : from;
      ends[p] = Math.min(log.length, from + Math.floor(random() * 8));
      const slice = log.slice(start, ends[p]);
      return slice.length > 0 && random() < 0.3 ? [...slice, slice[0] as SourceRecord] : slice;
    });
    if (batch.length === 0) continue;
    try {
      await processor.process(toMskEvent(batch));
      ends.forEach((end, p) => {
        committed[p] = Math.max(committed[p] as number, end);
      });
    } catch (error) {
      if ((error as Error).name !== 'InjectedFault') throw error;
    }
  }
  return { store, alerts };
};

const stepArb = fc.array(
  fc.record({ back: fc.integer({ min: 0, max: 3 }), take: fc.integer({ min: 0, max: 6 }) }),
  {
    minLength: PARTITIONS,
    maxLength: PARTITIONS,
  },
);

const concurrentRun = async (
  logs: SourceRecord[][],
  forSeconds: number,
  workers: Step[][],
  scheduler: fc.Scheduler,
) => {
  const store = new MemoryStateStore();
  const alerts = new MemoryAlertSink();
  const committed = logs.map(() => 0);
  const consume = async (steps: Step[], name: string) => {
    const processor = contendingProcessor(
      new ScheduledStateStore(store, scheduler, name),
      alerts,
      rulesWith(forSeconds),
      NOW_MS,
    );
    await consumeSteps(logs, committed, steps, async (batch) => {
      await processor.process(toMskEvent(batch));
      return true;
    });
  };
  await scheduler.waitFor(Promise.all(workers.map((steps, i) => consume(steps, `w${i}`))));
  const rest = uncommitted(logs, committed);
  if (rest.length > 0) await processorOn(store, alerts, forSeconds).process(toMskEvent(rest));
  return { store, alerts };
};

const specsArb = fc.array(recordArb, { minLength: 1, maxLength: 40 });
const forSecondsArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 }));

describe('forSeconds: a rule fires once its condition held that long, once, exactly once', () => {
  it('a clean pass raises exactly the episodes of the definition (startsAt = when the condition began)', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, forSecondsArb, async (specs, forSeconds) => {
        const { logs, produced } = produce(specs);
        const clean = await cleanRun(logs, forSeconds);
        expect(hotEpisodes(clean.alerts)).toEqual(expectedEpisodes(produced, forSeconds));
        expect(episodeViolations(clean.alerts, clean.store, true)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('record by record (batches of one), the same episodes', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, forSecondsArb, async (specs, forSeconds) => {
        const { logs, produced } = produce(specs);
        const store = new MemoryStateStore();
        const alerts = new MemoryAlertSink();
        for (const p of produced)
          await processorOn(store, alerts, forSeconds).process(toMskEvent([p.source]));
        expect(hotEpisodes(alerts)).toEqual(expectedEpisodes(produced, forSeconds));
        expect(store.snapshot()).toEqual((await cleanRun(logs, forSeconds)).store.snapshot());
      }),
      { numRuns: 100 },
    );
  });

  it('replayed, duplicated and failed batches end in the same items and episodes, each alert raised once', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, forSecondsArb, fc.integer(), async (specs, forSeconds, seed) => {
        const { logs, produced } = produce(specs);
        const clean = await cleanRun(logs, forSeconds);
        const chaos = await replayedRun(logs, forSeconds, seed);
        expect(hotEpisodes(chaos.alerts)).toEqual(expectedEpisodes(produced, forSeconds));
        expect(chaos.alerts.alerts).toEqual(clean.alerts.alerts);
        expect(chaos.store.snapshot()).toEqual(clean.store.snapshot());
        expect(episodeViolations(chaos.alerts, chaos.store, true)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('overlapping invocations of the same partitions end in the same items and episodes', async () => {
    await fc.assert(
      fc.asyncProperty(
        specsArb,
        forSecondsArb,
        fc.array(fc.array(stepArb, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 3 }),
        fc.scheduler(),
        async (specs, forSeconds, workers, scheduler) => {
          const { logs, produced } = produce(specs);
          const clean = await cleanRun(logs, forSeconds);
          const concurrent = await concurrentRun(logs, forSeconds, workers, scheduler);
          expect(hotEpisodes(concurrent.alerts)).toEqual(expectedEpisodes(produced, forSeconds));
          expect(concurrent.alerts.alerts).toEqual(clean.alerts.alerts);
          expect(concurrent.store.snapshot()).toEqual(clean.store.snapshot());
          expect(episodeViolations(concurrent.alerts, concurrent.store, true)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
