import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HOUR_MS } from '#scripts/lake/hour.ts';
import { scheduleFromEnv, startLakeCompaction } from '#scripts/local/lake-compaction.ts';

/** The local runtime's compaction step: due hours are compacted on start and on each tick; stop waits for a run. */

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const H = Date.parse('2026-11-21T09:00:00Z');
const line = (t: string) =>
  JSON.stringify({
    deviceid: 'd1',
    model: 'M',
    interface: 'eth0',
    interfacestatus: 'up',
    cpuusage: 1,
    memoryusage: 2,
    event_time: t,
  });

describe('startLakeCompaction', () => {
  it('compacts the hours due (catching up on the late window) and the open hour, and logs each', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'fleetstream-step-'));
    dirs.push(lake);
    const folder = join(lake, 'raw', 'year=2026', 'month=11', 'day=21', 'hour=09');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'a.gz'),
      gzipSync(`${line('2026-11-21T09:10:00Z')}\n${line('2026-11-21T10:00:01Z')}\n`),
    );
    const lines: string[] = [];
    const step = startLakeCompaction({
      datalakeDir: lake,
      log: (l) => lines.push(l),
      schedule: { delayMinutes: 5, lateHours: 1, previewMinutes: 10 },
      now: () => H + HOUR_MS + 6 * 60_000,
      tickMs: 3_600_000,
    });
    await vi.waitFor(() => expect(lines).toHaveLength(3), { timeout: 20_000 });
    await step.stop();
    expect(lines.join('\n')).toMatch(/^lake: compacted 2026-11-21T09 into the curated table: 1 rows/m);
    expect(lines.join('\n')).toMatch(/^lake: compacted 2026-11-21T10 into the curated table: 1 rows/m);
    expect(existsSync(join(lake, 'curated', 'telemetry', 'day=2026-11-21', 'hour=09', 'data.parquet'))).toBe(
      true,
    );
  });

  it('reads its schedule from the environment and refuses a bad value', () => {
    expect(scheduleFromEnv({})).toEqual({ delayMinutes: 5, lateHours: 2, previewMinutes: 10 });
    expect(scheduleFromEnv({ FLEETSTREAM_LAKE_LATE_HOURS: '0' }).lateHours).toBe(0);
    expect(() => scheduleFromEnv({ FLEETSTREAM_LAKE_DELAY_MINUTES: 'soon' })).toThrow(
      /FLEETSTREAM_LAKE_DELAY_MINUTES/,
    );
  });
});
