import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AthenaPort,
  type CatalogPort,
  type CompactorPorts,
  type CompactorSettings,
  compactHour,
  hoursDue,
  type ObjectStorePort,
} from '#lambda/lake-compactor/compactor.ts';
import { COMPLETE_MARKER, runIdAt, runOf, SETTLED_MARKER } from '#lambda/lake-compactor/run-swap.ts';

/**
 * The scheduled compaction against fakes of its three ports (Athena, S3, Glue): which hours a run takes, and how a
 * re-compaction swaps an hour: a new run folder, the partition moved to it, the replaced run deleted, so that a
 * reader (the partition's files) never sees the hour empty, partial or doubled, and overlapping runs end with the
 * later one.
 */

const H = Date.parse('2026-11-21T09:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const HOUR_PREFIX = 'curated/telemetry/day=2026-11-21/hour=09/';
const VALUES = ['2026-11-21', '09'];
const FILES_PER_RUN = 2;

const settings: CompactorSettings = {
  bucket: 'lake-bucket',
  delayMinutes: 5,
  lateHours: 2,
  rawLinesTable: 'raw_lines',
  maxRunMs: 15 * MIN,
};

describe('hoursDue', () => {
  it('takes the hour closed delayMinutes ago and the one lateHours before it', () => {
    expect(hoursDue(H + HOUR + 5 * MIN, { delayMinutes: 5, lateHours: 2 })).toEqual([H, H - 2 * HOUR]);
    expect(hoursDue(H + HOUR + 4 * MIN, { delayMinutes: 5, lateHours: 2 })).toEqual([H - HOUR, H - 3 * HOUR]);
    expect(hoursDue(H + HOUR + 5 * MIN, { delayMinutes: 5, lateHours: 0 })).toEqual([H]);
  });
});

/** S3, Glue and Athena in memory; every call may first wait for `step` (a fast-check scheduler in the race test). */
class FakeLake {
  readonly keys = new Set<string>();
  location: string | undefined;
  readonly log: string[] = [];
  /** Every state a reader could have seen, checked after each call. */
  readonly problems: string[] = [];

  constructor(private readonly step: <T>(work: () => T) => Promise<T> = async (work) => work()) {}

  /** What a reader of the partition sees: the data files under its location. */
  readerView(): string[] {
    const location = this.location;
    if (location === undefined) return [];
    const prefix = location.replace('s3://lake-bucket/', '');
    return [...this.keys].filter((k) => k.startsWith(prefix) && !k.split('/').at(-1)?.startsWith('_'));
  }

  private check(): void {
    if (this.location === undefined) return;
    const view = this.readerView();
    const runs = new Set(view.map(runOf));
    if (view.length !== FILES_PER_RUN || runs.size !== 1)
      this.problems.push(`reader saw ${JSON.stringify(view)} at ${this.location}`);
  }

  private act<T>(name: string, work: () => T): Promise<T> {
    return this.step(() => {
      this.log.push(name);
      const result = work();
      this.check();
      return result;
    });
  }

  readonly store: ObjectStorePort = {
    listKeys: (prefix) => this.act('list', () => [...this.keys].filter((k) => k.startsWith(prefix)).sort()),
    putEmpty: (key) => this.act(`put ${key.split('/').at(-1)}`, () => void this.keys.add(key)),
    deleteKeys: (keys) =>
      this.act(`delete ${keys.length}`, () => {
        for (const key of keys) this.keys.delete(key);
        return keys.length;
      }),
  };

  readonly catalog: CatalogPort = {
    partitionLocation: () => this.act('get partition', () => this.location),
    setPartitionLocation: (_values, location) =>
      this.act(`set partition run=${runOf(location)}`, () => {
        expect(_values).toEqual(VALUES);
        this.location = location;
      }),
  };

  /** UNLOAD as Athena does it: refuses a non-empty target, writes the files one at a time. */
  readonly athena: AthenaPort = {
    run: async (sql) => {
      const target = /TO 's3:\/\/lake-bucket\/([^']+)'/.exec(sql)?.[1] ?? '';
      await this.act(`unload run=${runOf(target)}`, () => {
        if ([...this.keys].some((k) => k.startsWith(target))) throw new Error('HIVE_PATH_ALREADY_EXISTS');
      });
      for (let i = 0; i < FILES_PER_RUN; i++)
        await this.act('write', () => this.keys.add(`${target}part-${i}`));
      return { queryExecutionId: `q-${runOf(target)}`, bytesScanned: 42 };
    },
  };

  ports(nowMs: number, suffix: string): CompactorPorts {
    return {
      athena: this.athena,
      store: this.store,
      catalog: this.catalog,
      now: () => nowMs,
      suffix: () => suffix,
    };
  }
}

const runIds = (lake: FakeLake) => new Set([...lake.keys].map(runOf));

describe('compactHour', () => {
  it('UNLOADs into a new run folder, moves the partition to it, then deletes the run it replaced', async () => {
    const lake = new FakeLake();
    const first = await compactHour(H, settings, lake.ports(H + HOUR + 5 * MIN, 'a'));
    expect(first.run).toBe(runIdAt(H + HOUR + 5 * MIN, 'a'));
    expect(first.winner).toBe(first.run);
    expect(lake.location).toBe(`s3://lake-bucket/${HOUR_PREFIX}run=${first.run}/`);
    lake.log.length = 0;
    const late = await compactHour(H, settings, lake.ports(H + 3 * HOUR + 5 * MIN, 'b'));
    expect(lake.log).toEqual([
      `unload run=${late.run}`,
      'write',
      'write',
      `put ${COMPLETE_MARKER}`,
      'list',
      'get partition',
      `set partition run=${late.run}`,
      'list',
      'get partition',
      `put ${SETTLED_MARKER}`,
      'list',
      'get partition',
      `delete ${FILES_PER_RUN + 2}`,
    ]);
    expect(late).toMatchObject({
      hour: '2026-11-21T09',
      winner: late.run,
      deletedObjects: FILES_PER_RUN + 2,
    });
    expect(runIds(lake)).toEqual(new Set([late.run]));
    expect(lake.problems).toEqual([]);
  });

  it('leaves one run of the hour however often it runs, even minutes apart', async () => {
    const lake = new FakeLake();
    for (let i = 0; i < 4; i++) await compactHour(H, settings, lake.ports(H + HOUR + i * MIN, `r${i}`));
    expect(runIds(lake)).toEqual(new Set([runIdAt(H + HOUR + 3 * MIN, 'r3')]));
    expect(lake.readerView()).toHaveLength(FILES_PER_RUN);
    expect(lake.problems).toEqual([]);
  });

  it('deletes the files of the layout before runs and a crashed run, never a newer run still writing', async () => {
    const lake = new FakeLake();
    const crashed = runIdAt(H + HOUR, 'crashed');
    const writing = runIdAt(H + 3 * HOUR + 6 * MIN, 'writing');
    for (const key of [`${HOUR_PREFIX}legacy-0`, `${HOUR_PREFIX}run=${crashed}/part-0`]) lake.keys.add(key);
    lake.keys.add(`${HOUR_PREFIX}run=${writing}/part-0`);
    const result = await compactHour(H, settings, lake.ports(H + 3 * HOUR + 5 * MIN, 'late'));
    expect(runIds(lake)).toEqual(new Set([result.run, writing]));
    expect(lake.readerView().every((k) => runOf(k) === result.run)).toBe(true);
  });

  it('reads arrival hours 08 to 12 for event hour 09 with lateHours 2', async () => {
    const lake = new FakeLake();
    let sql = '';
    const athena: AthenaPort = {
      run: async (text) => {
        sql = text;
        return lake.athena.run(text);
      },
    };
    await compactHour(H, settings, { ...lake.ports(H + HOUR, 'x'), athena });
    for (const hour of ['08', '09', '10', '11', '12'])
      expect(sql).toContain(`day = '21' AND hour = '${hour}')`);
    expect(sql).not.toContain("hour = '13'");
    expect(sql).toContain('FROM raw_lines');
    expect(sql).toContain(`TO 's3://lake-bucket/${HOUR_PREFIX}run=`);
  });

  it('ends two overlapping runs with the later one and nothing else, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.boolean(), async (s, compactedBefore) => {
        const lake = new FakeLake();
        if (compactedBefore) await compactHour(H, settings, lake.ports(H + HOUR + 5 * MIN, 'old'));
        const scheduled = new FakeLake((work) => s.schedule(Promise.resolve()).then(work));
        for (const key of lake.keys) scheduled.keys.add(key);
        scheduled.location = lake.location;
        const early = compactHour(H, settings, scheduled.ports(H + 3 * HOUR + 5 * MIN, 'early'));
        const later = compactHour(H, settings, scheduled.ports(H + 3 * HOUR + 6 * MIN, 'later'));
        const [a, b] = await s.waitFor(Promise.all([early, later]));
        expect([a.run, b.run]).toContain(a.winner);
        expect(b.winner).toBe(b.run);
        expect(scheduled.location).toBe(`s3://lake-bucket/${HOUR_PREFIX}run=${b.run}/`);
        expect(runIds(scheduled)).toEqual(new Set([b.run]));
        expect(scheduled.problems).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
