/**
 * An adversary for the closed-window protocol (core/window/closed.ts, open.ts): what the other state-processor tests
 * check one at a time, all at once. Two or three invocations of the same partitions run concurrently (every store call
 * a fast-check scheduler step), writes crash before or after they land (lost acknowledgements) or lose races to no-op
 * writers, first reads are eventually consistent (stale by any number of writes), and devices' records span several
 * minutes, so minutes close alone (device write + copy), late records land in closed minutes, copies get lost and the
 * next close must copy the previous closed window first. Checked:
 * - the end state equals one clean pass, as readers see it (`readerView`), and the per-minute windows a reader computes
 *   from the stored items (`windowsInRange`) equal windows computed directly from the records;
 * - at every instant in between (after each write, failed or not), no minute a reader would compute is ever above the
 *   records' reference (a closed window counted twice) or below what it was an instant before (a minute lost while
 *   it moves between the device and its window item).
 * The API's own read (device, query, device) straddling such writes is checked in lookup-api/windows-straddle.test.ts.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addExact } from '#core/exact-sum.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { windowStart } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { WindowItem, WindowStats } from '#core/items/window.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import type { ConditionalWrite, StateStore } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { windowsInRange } from '#core/window/read.ts';
import {
  consumeSteps,
  contendingProcessor,
  type Step,
  uncommitted,
} from '#test/support/contending-invocations.ts';
import { episodeViolations, withoutEpisodePaths } from '#test/support/episodes.ts';
import { type Fault, MemoryAlertSink, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { ScheduledStateStore } from '#test/support/scheduled-store.ts';

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

/**
 * How records reach the topic: unkeyed (a device spread over partitions, any event order); keyed with late records
 * (each device on one partition, event times out of order); keyed in time order (alerts are then boundary-free too).
 */
type Mode = 'unkeyed' | 'keyed, late' | 'keyed, in order';

const specArb = fc.record({
  partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
  device: fc.integer({ min: 0, max: 2 }),
  down: fc.boolean(),
  cpu: fc.integer({ min: 0, max: 100 }),
  memory: fc.integer({ min: 0, max: 1000 }),
  // Five minutes: with ~30 records over 3 devices, each device closes several minutes and gets late records.
  second: fc.integer({ min: 0, max: 299 }),
});
type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

/** A produced record, with what the reference needs. */
interface Produced {
  source: SourceRecord;
  deviceId: string;
  second: number;
  spec: Spec;
}

const produce = (specs: readonly Spec[], mode: Mode): { logs: SourceRecord[][]; produced: Produced[] } => {
  const logs: SourceRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const produced: Produced[] = [];
  for (const [index, s] of specs.entries()) {
    const keyed = mode !== 'unkeyed';
    const partition = keyed ? s.device % PARTITIONS : s.partition;
    // In order: 12 s apart, so 30 records span six minutes.
    const second = mode === 'keyed, in order' ? index * 12 : s.second;
    const log = logs[partition] as SourceRecord[];
    const deviceId = `d${s.device}`;
    const source: SourceRecord = {
      topic: TOPIC,
      partition,
      offset: log.length,
      timestampMs: BASE_MS + 3_600_000,
      key: keyed ? Buffer.from(deviceId) : null,
      value: Buffer.from(
        JSON.stringify({
          deviceid: deviceId,
          model: 'EVG2000',
          interface: 'eth0',
          interfacestatus: s.down ? 'down' : 'up',
          cpuusage: s.cpu,
          memoryusage: s.memory,
          event_time: new Date(BASE_MS + second * 1000).toISOString(),
        }),
      ),
    };
    log.push(source);
    produced.push({ source, deviceId, second, spec: s });
  }
  return { logs, produced };
};

/** `<deviceId>\n<minute>` → statistics: the windows computed the obvious way from what was produced. */
const referenceWindows = (produced: readonly Produced[]): Map<string, WindowStats> => {
  const out = new Map<string, WindowStats>();
  for (const { deviceId, second, spec } of produced) {
    const key = `${deviceId}\n${windowStart(BASE_MS + second * 1000)}`;
    const w = out.get(key);
    out.set(key, {
      count: (w?.count ?? 0) + 1,
      cpuSum: addExact(w?.cpuSum ?? 0, spec.cpu),
      cpuMax: Math.max(w?.cpuMax ?? 0, spec.cpu),
      memorySum: addExact(w?.memorySum ?? 0, spec.memory),
      memoryMax: Math.max(w?.memoryMax ?? 0, spec.memory),
      downCount: (w?.downCount ?? 0) + (spec.down ? 1 : 0),
    });
  }
  return out;
};

/** What a reader computes from the stored items (`windowsInRange` per device), keyed like `referenceWindows`. */
const readerWindows = (items: Iterable<StateItem>): Map<string, WindowStats> => {
  const all = [...items];
  const out = new Map<string, WindowStats>();
  for (const device of all.filter((i): i is DeviceItem => i.sk === 'STATE')) {
    const windowItems = all.filter((i): i is WindowItem => i.pk === device.pk && i.sk.startsWith('WIN#'));
    const from = new Date(BASE_MS - 3_600_000).toISOString();
    const to = new Date(BASE_MS + 3_600_000).toISOString();
    for (const { start, ...stats } of windowsInRange(windowItems, device, { from, to }))
      out.set(`${device.deviceId}\n${start}`, stats);
  }
  return out;
};

const FIELDS = ['count', 'cpuSum', 'cpuMax', 'memorySum', 'memoryMax', 'downCount'] as const;
const ZERO: WindowStats = { count: 0, cpuSum: 0, cpuMax: 0, memorySum: 0, memoryMax: 0, downCount: 0 };

/**
 * A store that, after every write (landed, refused, crashed or with its acknowledgement lost), computes the windows a
 * reader would and records the first instant a minute is above the reference or below the previous instant.
 */
class WatchedStateStore extends MemoryStateStore {
  violation: string | undefined;
  private last = new Map<string, WindowStats>();
  private writes = 0;

  constructor(
    fault: (write: ConditionalWrite) => Fault,
    private readonly reference: ReadonlyMap<string, WindowStats>,
    private readonly seen: Coverage,
  ) {
    super(fault);
  }

  override async put(write: ConditionalWrite): Promise<boolean> {
    const before = new Map(this.items);
    try {
      return await super.put(write);
    } finally {
      this.watch(`put ${write.item.pk} ${write.item.sk}`, before);
    }
  }

  override async transact(writes: readonly ConditionalWrite[]): Promise<number[]> {
    const before = new Map(this.items);
    try {
      return await super.transact(writes);
    } finally {
      this.watch(`transact ${writes.map((w) => `${w.item.pk} ${w.item.sk}`).join(', ')}`, before);
    }
  }

  private watch(label: string, before: ReadonlyMap<string, StateItem>): void {
    this.writes += 1;
    countCases(before, this.items, this.seen);
    const now = readerWindows(this.items.values());
    if (this.violation === undefined)
      for (const key of new Set([...now.keys(), ...this.last.keys()])) {
        const current = now.get(key) ?? ZERO;
        const before = this.last.get(key) ?? ZERO;
        const reference = this.reference.get(key) ?? ZERO;
        const above = FIELDS.filter((f) => current[f] > reference[f]);
        const below = FIELDS.filter((f) => current[f] < before[f]);
        if (above.length === 0 && below.length === 0) continue;
        this.violation =
          `after write #${this.writes} (${label}), minute ${JSON.stringify(key)}: ` +
          `${JSON.stringify(current)}; an instant before ${JSON.stringify(before)}; ` +
          `records ${JSON.stringify(reference)}`;
        break;
      }
    this.last = now;
  }
}

/** How often the runs reach each corner of the protocol: a property over runs that never get there proves nothing. */
interface Coverage {
  /** Device writes that closed a minute alone (into the device's closed window). */
  closedAlone: number;
  /** Device writes made while the device's closed window was not copied yet (its copy lost, or not written yet). */
  deviceWrittenWhileCopyPending: number;
  /** Window writes that put a device's closed window in, other than its own copy right after the close. */
  copiedByLaterWriter: number;
  /** Of those, writes that also folded late records of that minute. */
  copiedWithLateRecords: number;
}

const emptyCoverage = (): Coverage => ({
  closedAlone: 0,
  deviceWrittenWhileCopyPending: 0,
  copiedByLaterWriter: 0,
  copiedWithLateRecords: 0,
});

const pendingOf = (items: ReadonlyMap<string, StateItem>, device: DeviceItem) => {
  const closed = device.closedWindow;
  if (closed === undefined) return undefined;
  const item = items.get(`${device.pk}\nWIN#${closed.start}`) as WindowItem | undefined;
  return item?.closedAt === closed.at ? undefined : closed;
};

const countCases = (
  before: ReadonlyMap<string, StateItem>,
  after: ReadonlyMap<string, StateItem>,
  seen: Coverage,
): void => {
  for (const [id, item] of after) {
    const previous = before.get(id);
    if (previous === item) continue;
    if (item.sk === 'STATE') {
      const device = item as DeviceItem;
      if (device.closedWindow?.at === device.version) seen.closedAlone += 1;
      const pending = pendingOf(after, device);
      if (pending !== undefined && pending.at < device.version) seen.deviceWrittenWhileCopyPending += 1;
      continue;
    }
    if (!item.sk.startsWith('WIN#')) continue;
    const window = item as WindowItem;
    const device = after.get(`${window.pk}\nSTATE`) as DeviceItem | undefined;
    const closed = device?.closedWindow;
    if (closed === undefined || closed.start !== window.start || window.closedAt !== closed.at) continue;
    if ((previous as WindowItem | undefined)?.closedAt === closed.at) continue;
    if (
      device !== undefined &&
      closed.at === device.version &&
      previous === undefined &&
      window.count === closed.count
    )
      continue; // the close's own copy
    seen.copiedByLaterWriter += 1;
    if (window.count > closed.count + ((previous as WindowItem | undefined)?.count ?? 0))
      seen.copiedWithLateRecords += 1;
  }
};

// An hour after the records: none is in the future.
const processorOn = (store: StateStore, alerts: MemoryAlertSink) =>
  contendingProcessor(store, alerts, rules, BASE_MS + 3_600_000);

/** Per partition: records behind the committed offset re-read, and records taken after it. */
const stepArb = fc.array(
  fc.record({ back: fc.integer({ min: 0, max: 3 }), take: fc.integer({ min: 0, max: 6 }) }),
  { minLength: PARTITIONS, maxLength: PARTITIONS },
);
const workersArb = fc.array(fc.array(stepArb, { minLength: 1, maxLength: 6 }), {
  minLength: 2,
  maxLength: 3,
});
/**
 * Faults of the n-th write of each kind (writes beyond a list, and the final drain, proceed). Window writes that carry
 * a device's closed window (the copy, or a late fold that copies it) have their own list, so lost copies are common.
 */
const faultListArb = (kinds: Fault[]) => fc.array(fc.constantFrom(...kinds), { maxLength: 20, size: 'max' });
const faultsArb = fc.record({
  copies: faultListArb(['none', 'crash', 'crash', 'lost-ack', 'touch']),
  others: faultListArb(['none', 'none', 'none', 'crash', 'lost-ack', 'touch']),
});
type Faults = typeof faultsArb extends fc.Arbitrary<infer T> ? T : never;

/** The fault for a write, or none once `faults` is exhausted. */
const faultPlan = (faults: Faults) => {
  let copies = 0;
  let others = 0;
  return (write: ConditionalWrite): Fault => {
    const copying = write.item.sk.startsWith('WIN#') && (write.item as WindowItem).closedAt !== undefined;
    return (copying ? faults.copies[copies++] : faults.others[others++]) ?? 'none';
  };
};
/** The n-th eventually consistent read of an item is this many writes behind (cycled). */
const lagsArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 });

/**
 * Lambda retries a failed batch as it was (here up to 3 times, then the records wait for a later step or the
 * drain, as if the batch had been split). True when it went through.
 */
const processWithRetries = async (processor: ReturnType<typeof processorOn>, batch: SourceRecord[]) => {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await processor.process(toMskEvent(batch));
      return true;
    } catch (error) {
      if ((error as Error).name !== 'InjectedFault') throw error;
    }
  }
  return false;
};

interface Adversary {
  workers: Step[][];
  faults: Faults;
  lags: number[];
  scheduler: fc.Scheduler;
}

const cleanRun = async (logs: SourceRecord[][]) => {
  const store = new MemoryStateStore();
  const alerts = new MemoryAlertSink();
  await processorOn(store, alerts).process(toMskEvent(logs.flat()));
  return { store, alerts };
};

const adversarialRun = async (
  logs: SourceRecord[][],
  reference: ReadonlyMap<string, WindowStats>,
  { workers, faults, lags, scheduler }: Adversary,
  seen: Coverage,
) => {
  let faulty = true;
  const fault = faultPlan(faults);
  const store = new WatchedStateStore((write) => (faulty ? fault(write) : 'none'), reference, seen);
  let read = 0;
  store.stale = (_id, images) => Math.min(images, lags[read++ % lags.length] ?? 0);
  const alerts = new MemoryAlertSink();
  const committed = logs.map(() => 0);
  const consume = async (steps: Step[], name: string) => {
    const processor = processorOn(new ScheduledStateStore(store, scheduler, name), alerts);
    await consumeSteps(logs, committed, steps, (batch) => processWithRetries(processor, batch));
  };
  await scheduler.waitFor(Promise.all(workers.map((steps, i) => consume(steps, `w${i}`))));
  // Whatever the workers left behind (or failed), one more invocation drains, still reading stale items.
  faulty = false;
  const rest = uncommitted(logs, committed);
  if (rest.length > 0) await processorOn(store, alerts).process(toMskEvent(rest));
  return { store, alerts };
};

const adversaryArb = fc.record({
  workers: workersArb,
  faults: faultsArb,
  lags: lagsArb,
  scheduler: fc.scheduler(),
});

/** Committed default; hunt with e.g. ADVERSARY_RUNS=20000 ADVERSARY_SEED=7 (fast-check prints the seed of a failure). */
const NUM_RUNS = Number(process.env.ADVERSARY_RUNS ?? 250);
const SEED = process.env.ADVERSARY_SEED === undefined ? {} : { seed: Number(process.env.ADVERSARY_SEED) };
const MAX_ROUNDS = 4;

describe('closed windows under concurrent invocations, faults and stale reads', () => {
  it.each<[Mode]>([['unkeyed'], ['keyed, late'], ['keyed, in order']])(
    'every minute is counted exactly once, at the end and at every instant (%s)',
    async (mode) => {
      const seen = emptyCoverage();
      const covered = () =>
        seen.closedAlone > 0 && seen.deviceWrittenWhileCopyPending > 0 && seen.copiedByLaterWriter > 0;
      // A corner reached a few times per NUM_RUNS runs (copies made by later writers: ~4 in 250) can be missed by one
      // random round; further rounds (at most MAX_ROUNDS) hunt for it, so the coverage check below stays meaningful
      // (it fails when a corner becomes unreachable) without failing one CI run in a hundred by chance.
      for (let round = 0; round === 0 || (round < MAX_ROUNDS && !covered()); round++)
        await fc.assert(
          fc.asyncProperty(
            fc.array(specArb, { minLength: 1, maxLength: 30, size: 'max' }),
            adversaryArb,
            async (specs, adversary) => {
              const { logs, produced } = produce(specs, mode);
              const reference = referenceWindows(produced);
              const clean = await cleanRun(logs);
              const chaos = await adversarialRun(logs, reference, adversary, seen);
              expect(chaos.store.violation).toBeUndefined();
              const inOrder = mode === 'keyed, in order';
              // Out of order, which record raised an alert (and each `openAlerts` entry) depends on the boundaries.
              const view = (store: MemoryStateStore) =>
                inOrder ? store.snapshot() : withoutEpisodePaths(store.snapshot());
              expect(view(chaos.store)).toEqual(view(clean.store));
              expect(readerWindows(chaos.store.items.values())).toEqual(reference);
              expect(readerWindows(clean.store.items.values())).toEqual(reference);
              expect(episodeViolations(chaos.alerts, chaos.store, inOrder)).toEqual([]);
              if (inOrder) expect(chaos.alerts.alerts).toEqual(clean.alerts.alerts);
            },
          ),
          { numRuns: NUM_RUNS, ...(round === 0 ? SEED : {}) },
        );
      // The runs reached the protocol's corners: closes alone, lost copies, copies made by later writers.
      expect(seen.closedAlone).toBeGreaterThan(0);
      expect(seen.deviceWrittenWhileCopyPending).toBeGreaterThan(0);
      expect(seen.copiedByLaterWriter).toBeGreaterThan(0);
      if (process.env.ADVERSARY_COVERAGE) console.log(mode, seen);
    },
    Math.max(120_000, NUM_RUNS * 150 * MAX_ROUNDS),
  );
});
