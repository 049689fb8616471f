import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { compactLocalHour } from '#scripts/lake/compact-local.ts';
import { type CompactionSchedule, dueHours } from '#scripts/lake/compaction-schedule.ts';
import { formatHour } from '#scripts/lake/hour.ts';
import { errorMessage, numberFlag } from '#scripts/shared/cli.ts';

/**
 * The local runtime's step that fills the curated table: every minute it compacts the event hours that are due
 * (a closed hour `delayMinutes` after it closes and again `lateHours` later; the open hour every `previewMinutes`, so
 * a running `npm start` shows the table filling). Settings from the environment: FLEETSTREAM_LAKE_DELAY_MINUTES,
 * FLEETSTREAM_LAKE_LATE_HOURS, FLEETSTREAM_LAKE_PREVIEW_MINUTES (0 turns the open-hour refresh off).
 */

export interface LakeCompactionOptions {
  /** The lake root (`.local/datalake`). */
  readonly datalakeDir: string;
  readonly log: (line: string) => void;
  readonly schedule?: CompactionSchedule;
  /** @default 60_000 */
  readonly tickMs?: number;
  readonly now?: () => number;
}

export interface LakeCompaction {
  stop(): Promise<void>;
}

/** Local default for the open-hour refresh (AWS compacts closed hours only). */
export const LOCAL_PREVIEW_MINUTES = 10;

export const scheduleFromEnv = (env: NodeJS.ProcessEnv = process.env): CompactionSchedule => {
  const read = (name: string, fallback: number, max: number) => {
    const raw = env[name];
    return raw === undefined || raw === '' ? fallback : numberFlag(name, raw, { min: 0, max, integer: true });
  };
  return {
    delayMinutes: read('FLEETSTREAM_LAKE_DELAY_MINUTES', CURATED_COMPACTION_DEFAULTS.delayMinutes, 59),
    lateHours: read('FLEETSTREAM_LAKE_LATE_HOURS', CURATED_COMPACTION_DEFAULTS.lateHours, 48),
    previewMinutes: read('FLEETSTREAM_LAKE_PREVIEW_MINUTES', LOCAL_PREVIEW_MINUTES, 60),
  };
};

export const startLakeCompaction = (options: LakeCompactionOptions): LakeCompaction => {
  const { datalakeDir, log, tickMs = 60_000, now = Date.now } = options;
  const schedule = options.schedule ?? scheduleFromEnv();
  const done = new Map<number, number>();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const runDue = async () => {
    for (const hour of dueHours(now(), done, schedule)) {
      if (stopped) return;
      const startedAt = now();
      try {
        const result = await compactLocalHour({
          lakeDir: datalakeDir,
          eventHourMs: hour,
          lateHours: schedule.lateHours,
        });
        done.set(hour, startedAt);
        log(
          `lake: compacted ${result.hour} into the curated table: ${result.rows} rows (${result.seconds} s)`,
        );
      } catch (error) {
        log(`lake: compacting ${formatHour(hour)} failed (retried next minute): ${errorMessage(error)}`);
      }
    }
  };
  const tick = () => {
    running = running.then(runDue);
  };
  tick();
  const timer = setInterval(tick, tickMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
