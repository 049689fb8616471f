import { describe, expect, it } from 'vitest';
import {
  type AthenaPort,
  compactHour,
  hoursDue,
  type ObjectStorePort,
} from '#lambda/lake-compactor/compactor.ts';

/** The scheduled compaction: which hours a run takes, and that each is emptied before its UNLOAD (a re-run replaces). */

const H = Date.parse('2026-11-21T09:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;

describe('hoursDue', () => {
  it('takes the hour closed delayMinutes ago and the one lateHours before it', () => {
    expect(hoursDue(H + HOUR + 5 * MIN, { delayMinutes: 5, lateHours: 2 })).toEqual([H, H - 2 * HOUR]);
    expect(hoursDue(H + HOUR + 4 * MIN, { delayMinutes: 5, lateHours: 2 })).toEqual([H - HOUR, H - 3 * HOUR]);
    expect(hoursDue(H + HOUR + 5 * MIN, { delayMinutes: 5, lateHours: 0 })).toEqual([H]);
  });
});

describe('compactHour', () => {
  const settings = { bucket: 'lake-bucket', delayMinutes: 5, lateHours: 2, rawLinesTable: 'raw_lines' };

  const fakes = () => {
    const calls: string[] = [];
    const objects = new Map<string, string[]>([
      ['curated/telemetry/day=2026-11-21/hour=09/', ['old-1', 'old-2']],
    ]);
    const store: ObjectStorePort = {
      async deletePrefix(prefix) {
        calls.push(`delete ${prefix}`);
        const n = objects.get(prefix)?.length ?? 0;
        objects.set(prefix, []);
        return n;
      },
    };
    const athena: AthenaPort = {
      async run(sql) {
        const target = /TO 's3:\/\/lake-bucket\/([^']+)'/.exec(sql)?.[1] ?? '';
        // UNLOAD fails on a non-empty target, as Athena does.
        if ((objects.get(target) ?? []).length > 0) throw new Error('HIVE_PATH_ALREADY_EXISTS');
        calls.push(`unload ${target}`);
        objects.set(target, ['new']);
        return { queryExecutionId: 'q1', bytesScanned: 42 };
      },
    };
    return { calls, objects, ports: { store, athena } };
  };

  it('empties the hour prefix, then UNLOADs the hour from its window of raw hours', async () => {
    const { calls, ports } = fakes();
    const result = await compactHour(H, settings, ports);
    expect(calls).toEqual([
      'delete curated/telemetry/day=2026-11-21/hour=09/',
      'unload curated/telemetry/day=2026-11-21/hour=09/',
    ]);
    expect(result).toEqual({
      hour: '2026-11-21T09',
      deletedObjects: 2,
      queryExecutionId: 'q1',
      bytesScanned: 42,
    });
  });

  it('leaves one copy of the hour however often it runs', async () => {
    const { objects, ports } = fakes();
    for (let i = 0; i < 3; i++) await compactHour(H, settings, ports);
    expect(objects.get('curated/telemetry/day=2026-11-21/hour=09/')).toEqual(['new']);
  });

  it('reads arrival hours 08 to 12 for event hour 09 with lateHours 2', async () => {
    let sql = '';
    await compactHour(H, settings, {
      store: { deletePrefix: async () => 0 },
      athena: {
        run: async (text) => {
          sql = text;
          return { queryExecutionId: 'q', bytesScanned: 0 };
        },
      },
    });
    for (const hour of ['08', '09', '10', '11', '12'])
      expect(sql).toContain(`day = '21' AND hour = '${hour}')`);
    expect(sql).not.toContain("hour = '13'");
    expect(sql).toContain('FROM raw_lines');
  });
});
