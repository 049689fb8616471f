import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addExact } from '#core/exact-sum.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { windowStart } from '#core/items/keys.ts';
import type { WindowItem, WindowStats } from '#core/items/window.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import type { ConditionalWrite } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { windowsInRange } from '#core/window/read.ts';
import { episodeViolations, withoutEpisodePaths } from '#test/support/episodes.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import {
  type Fault,
  MemoryAlertSink,
  MemoryDeadLetterSink,
  MemoryStateStore,
  staticRegistry,
  staticRules,
} from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

// Exactly-once effect: any batch split, duplicates, overlapping re-deliveries and failures mid-batch (crashes,
// lost acknowledgements, concurrent writers) end in the same items as one clean pass. Records span several
// minutes, so open windows close (in a transaction with their device), late records land in closed minutes, and
// re-deliveries that are shorter or longer than the failed batch move the open minute differently.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const rules: Rule[] = [
  {
    ruleId: 'down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
  {
    ruleId: 'hot-evg',
    when: { field: 'cpuusage', op: '>', value: 80 },
    models: ['EVG2000'],
    severity: 'warning',
    enabled: true,
  },
  {
    ruleId: 'vip',
    when: { field: 'memoryusage', op: '>=', value: 500 },
    registry: { tier: 'platinum' },
    severity: 'info',
    enabled: true,
  },
];
const registry = { d0: { tier: 'platinum' }, d2: { tier: 'gold', site: 'x' } };

interface Spec {
  partition: number;
  device: number;
  model: number;
  status: number;
  cpu: number;
  memory: number;
  second: number;
  bad: boolean;
}

const specArb = (keyed: boolean, monotonic: boolean) =>
  fc
    .array(
      fc.record({
        partition: fc.integer({ min: 0, max: 2 }),
        device: fc.integer({ min: 0, max: 4 }),
        model: fc.integer({ min: 0, max: 1 }),
        status: fc.integer({ min: 0, max: 2 }),
        cpu: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(33.3, 0.1, 99.9)),
        memory: fc.integer({ min: 0, max: 1000 }),
        second: fc.integer({ min: 0, max: 240 }),
        bad: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      }),
      { minLength: 1, maxLength: 60 },
    )
    .map((specs) =>
      specs.map(
        (s, i): Spec => ({
          ...s,
          partition: keyed ? s.device % 3 : s.partition,
          // In time order, 10 s apart: up to ten minutes, so each device's open window closes several times.
          second: monotonic ? i * 10 : s.second,
        }),
      ),
    );

/** A record as the broker holds it: what the event source mapping delivers. */
type Produced = SourceRecord;

const produce = (specs: Spec[], keyed: boolean): Produced[][] => {
  const logs: Produced[][] = [[], [], []];
  for (const s of specs) {
    const log = logs[s.partition] as Produced[];
    const deviceid = `d${s.device}`;
    const naive = s.second % 2 === 0;
    const time = new Date(BASE_MS + s.second * 1000).toISOString();
    const value = s.bad
      ? '{"deviceid":"d1","cpuusage":"lots"}'
      : JSON.stringify({
          deviceid,
          model: ['EVG2000', 'TG1672'][s.model],
          interface: `eth${s.status}`,
          interfacestatus: ['connected', 'down', 'up'][s.status],
          cpuusage: naive ? String(s.cpu) : s.cpu,
          memoryusage: s.memory,
          event_time: naive ? time.slice(0, 19).replace('T', ' ') : time,
        });
    log.push({
      topic: TOPIC,
      partition: s.partition,
      offset: log.length,
      timestampMs: BASE_MS,
      key: keyed ? Buffer.from(deviceid) : null,
      value: Buffer.from(value),
    });
  }
  return logs;
};

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const pipeline = (
  fault: (write: ConditionalWrite) => Fault = () => 'none',
  alertFault: () => boolean = () => false,
) => {
  const store = new MemoryStateStore(fault);
  const alerts = new MemoryAlertSink(alertFault);
  const deadLetters = new MemoryDeadLetterSink();
  const processor = memoryProcessor({
    store,
    alerts,
    deadLetters,
    rules: staticRules(rules),
    registry: staticRegistry(registry),
    clock: () => BASE_MS,
    maxWriteAttempts: 50,
  });
  return { store, alerts, deadLetters, processor };
};

const cleanRun = async (logs: Produced[][]) => {
  const clean = pipeline();
  await clean.processor.process(toMskEvent(logs.flat()));
  return clean;
};

/** Lambda's event source mapping with failures: re-delivers from the committed offset until a batch succeeds. */
const chaoticRun = async (logs: Produced[][], seed: number) => {
  const random = mulberry32(seed);
  let faulty = true;
  const chaos = pipeline(
    () => {
      if (!faulty) return 'none';
      const roll = random();
      return roll < 0.08 ? 'crash' : roll < 0.16 ? 'lost-ack' : roll < 0.3 ? 'touch' : 'none';
    },
    () => faulty && random() < 0.05,
  );
  const committed = logs.map(() => 0);
  for (let round = 0; committed.some((c, p) => c < (logs[p] as Produced[]).length); round++) {
    if (round > 300) faulty = false; // bounded chaos: the stream must then drain cleanly
    if (round > 2000) throw new Error('did not drain');
    const batch: Produced[] = [];
    const ends: number[] = [];
    logs.forEach((log, p) => {
      const from = committed[p] as number;
      // Overlapping re-poll: sometimes start before the committed offset.
      const start = random() < 0.2 ? Math.max(0, from - Math.floor(random() * 4)) : from;
      const end = Math.min(log.length, from + Math.floor(random() * 8));
      ends[p] = end;
      const slice = log.slice(start, end);
      batch.push(...slice);
      if (slice.length > 0 && random() < 0.3)
        batch.push(slice[Math.floor(random() * slice.length)] as Produced);
    });
    if (batch.length === 0) continue;
    try {
      await chaos.processor.process(toMskEvent(batch));
      ends.forEach((end, p) => {
        committed[p] = Math.max(committed[p] as number, end);
      });
    } catch (error) {
      if ((error as Error).name !== 'InjectedFault') throw error;
    }
  }
  return chaos;
};

/** Per (device, minute) window statistics computed the obvious way from what was produced. */
const referenceWindows = (specs: Spec[]) => {
  const out = new Map<string, Map<string, WindowStats & { start: string }>>();
  for (const s of specs.filter((spec) => !spec.bad)) {
    const device = out.get(`d${s.device}`) ?? new Map();
    out.set(`d${s.device}`, device);
    const start = windowStart(BASE_MS + s.second * 1000);
    const w = device.get(start) ?? {
      start,
      count: 0,
      cpuSum: 0,
      cpuMax: 0,
      memorySum: 0,
      memoryMax: 0,
      downCount: 0,
    };
    device.set(start, {
      start,
      count: w.count + 1,
      cpuSum: addExact(w.cpuSum, s.cpu),
      cpuMax: Math.max(w.cpuMax, s.cpu),
      memorySum: addExact(w.memorySum, s.memory),
      memoryMax: Math.max(w.memoryMax, s.memory),
      downCount: w.downCount + (s.status === 1 ? 1 : 0),
    });
  }
  return new Map(
    [...out].map(([id, byStart]) => [id, [...byStart.values()].sort((a, b) => (a.start < b.start ? -1 : 1))]),
  );
};

const storedWindows = (store: MemoryStateStore) => {
  const items = [...store.items.values()];
  const devices = items.filter((i): i is DeviceItem => i.sk === 'STATE');
  return new Map(
    devices.map((d) => [
      d.deviceId,
      windowsInRange(
        items.filter((i): i is WindowItem => i.pk === d.pk && i.sk.startsWith('WIN#')),
        d,
        { from: new Date(BASE_MS).toISOString(), to: new Date(BASE_MS + 3_600_000).toISOString() },
      ),
    ]),
  );
};

const positions = (letters: { partition: number; offset: number }[]) =>
  [...new Set(letters.map((l) => `${l.partition}@${l.offset}`))].sort();

describe('state processor: replay and merge laws', () => {
  it('converges to the clean pass for any split, duplicates, replays and faults (unkeyed, out of order)', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(false, false), fc.integer(), async (specs, seed) => {
        const logs = produce(specs, false);
        const clean = await cleanRun(logs);
        const chaos = await chaoticRun(logs, seed);
        // Which record raised an alert (and so each `openAlerts` entry) depends on the split here (test/support/episodes.ts).
        expect(withoutEpisodePaths(chaos.store.snapshot())).toEqual(
          withoutEpisodePaths(clean.store.snapshot()),
        );
        expect(episodeViolations(chaos.alerts, chaos.store, false)).toEqual([]);
        expect(positions(chaos.deadLetters.letters)).toEqual(positions(clean.deadLetters.letters));
        expect(storedWindows(chaos.store)).toEqual(referenceWindows(specs));
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('raises exactly the clean pass alerts when each device is keyed to one partition and in time order', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(true, true), fc.integer(), async (specs, seed) => {
        const logs = produce(specs, true);
        const clean = await cleanRun(logs);
        const chaos = await chaoticRun(logs, seed);
        expect(chaos.store.snapshot()).toEqual(clean.store.snapshot());
        // The same alerts, each with the same episode (state, startsAt, endsAt), each on the stream once as firing
        // and at most once as resolved.
        expect(chaos.alerts.alerts).toEqual(clean.alerts.alerts);
        expect(episodeViolations(chaos.alerts, chaos.store, true)).toEqual([]);
        expect(episodeViolations(clean.alerts, clean.store, true)).toEqual([]);
        expect(storedWindows(chaos.store)).toEqual(referenceWindows(specs));
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('folds every valid record exactly once (record counts add up)', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(false, false), fc.integer(), async (specs, seed) => {
        const chaos = await chaoticRun(produce(specs, false), seed);
        const valid = specs.filter((s) => !s.bad);
        const deviceTotal = [...chaos.store.items.values()]
          .filter((i) => i.sk === 'STATE')
          .reduce((sum, i) => sum + ('recordCount' in i ? i.recordCount : 0), 0);
        const fleetTotal = [...chaos.store.items.values()]
          .filter((i) => i.sk.startsWith('RECORDS#'))
          .reduce((sum, i) => sum + ('records' in i ? i.records : 0), 0);
        const partitions = [...chaos.store.items.values()].filter((i) => i.sk.startsWith('RECORDS#'));
        expect(deviceTotal).toBe(valid.length);
        expect(fleetTotal).toBe(valid.length);
        expect(partitions.reduce((sum, i) => sum + ('devices' in i ? (i.devices ?? 0) : 0), 0)).toBe(
          new Set(valid.map((s) => s.device)).size,
        );
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('keeps each device latest minute in the device item only, every other minute in a window item', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(false, false), async (specs) => {
        const clean = await cleanRun(produce(specs, false));
        const items = [...clean.store.items.values()];
        const expected = referenceWindows(specs);
        for (const device of items.filter((i): i is DeviceItem => i.sk === 'STATE')) {
          const minutes = expected.get(device.deviceId)?.map((w) => w.start) ?? [];
          const winItems = items
            .filter((i) => i.pk === device.pk && i.sk.startsWith('WIN#'))
            .map((i) => i.sk);
          expect(device.openWindow?.start).toBe(minutes.at(-1));
          expect(winItems.sort()).toEqual(minutes.slice(0, -1).map((m) => `WIN#${m}`));
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});

describe('open windows across failed writes', () => {
  const at = (partition: number, offset: number, second: number): Produced =>
    sourceRecord(
      { topic: TOPIC, partition, offset, timestampMs: BASE_MS },
      telemetryValue({
        deviceid: 'd7',
        cpuusage: second % 100,
        memoryusage: offset,
        event_time: eventTimeAt(BASE_MS, second),
      }),
    );
  const p0 = [at(0, 0, 5), at(0, 1, 65), at(0, 2, 125), at(0, 3, 185)];
  const p1 = [at(1, 0, 70)];

  it('a crashed device transaction leaves no window item of a minute it passed over; a shorter re-delivery converges', async () => {
    let crashDevice = false;
    const run = pipeline((write) => (crashDevice && write.item.sk === 'STATE' ? 'crash' : 'none'));
    await run.processor.process(toMskEvent([p0[0] as Produced]));
    // Minutes 1 and 2: minute 1 is passed over, so its window item travels in the device's transaction, which crashes.
    crashDevice = true;
    await expect(run.processor.process(toMskEvent(p0.slice(1, 3)))).rejects.toThrow('crash');
    expect(run.store.items.has('DEVICE#d7\nWIN#2026-11-21T10:01Z')).toBe(false);
    crashDevice = false;
    // A shorter re-delivery: minute 1 becomes the open minute.
    await run.processor.process(toMskEvent([p0[1] as Produced, ...p1]));
    const device = run.store.items.get('DEVICE#d7\nSTATE') as DeviceItem;
    expect(device.openWindow).toMatchObject({ start: '2026-11-21T10:01Z', count: 2 });
    expect(
      storedWindows(run.store)
        .get('d7')
        ?.map((w) => [w.start, w.count]),
    ).toEqual([
      ['2026-11-21T10:00Z', 1],
      ['2026-11-21T10:01Z', 2],
    ]);
    await run.processor.process(toMskEvent(p0.slice(2)));
    const clean = await cleanRun([p0, p1]);
    expect(run.store.snapshot()).toEqual(clean.store.snapshot());
    expect(
      storedWindows(run.store)
        .get('d7')
        ?.map((w) => [w.count]),
    ).toEqual([[1], [2], [1], [1]]);
  });
});
