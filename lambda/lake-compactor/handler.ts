import { requireEnv } from '#adapters/env.ts';
import { functionLogger } from '#adapters/observability.ts';
import { ENV } from '#core/contract/env.ts';
import { COMPACTOR_TIMEOUT_MINUTES, CURATED_TABLE_NAME, RAW_LINES_TABLE_NAME } from '#core/contract/lake.ts';
import { athenaPort, catalogPort, storePort } from './aws-ports.ts';
import {
  type CompactorPorts,
  type CompactorSettings,
  compactHour,
  DEFAULT_SCHEDULE,
  type HourCompaction,
  hoursDue,
} from './compactor.ts';

/**
 * Scheduled by an EventBridge rule every hour at minute `delayMinutes`: compacts the hours due into the curated table.
 * `{"hour": "2026-11-21T09"}` as the event compacts that hour instead (a manual re-run).
 */

const logger = functionLogger('lake-compactor');

/** A whole number setting ≥ 0 (lateHours may be 0). */
const countEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`Environment variable ${name} must be a whole number >= 0, got "${raw}"`);
  return value;
};

const HOUR_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

export const handler = async (event: { hour?: unknown; time?: unknown }): Promise<HourCompaction[]> => {
  const settings: CompactorSettings = {
    bucket: requireEnv(ENV.lakeBucket),
    delayMinutes: countEnv(ENV.compactionDelayMinutes, DEFAULT_SCHEDULE.delayMinutes),
    lateHours: countEnv(ENV.compactionLateHours, DEFAULT_SCHEDULE.lateHours),
    rawLinesTable: RAW_LINES_TABLE_NAME,
    maxRunMs: COMPACTOR_TIMEOUT_MINUTES * 60_000,
  };
  const database = requireEnv(ENV.glueDatabase);
  const ports: CompactorPorts = {
    athena: athenaPort(requireEnv(ENV.athenaWorkGroup), database),
    store: storePort(settings.bucket),
    catalog: catalogPort(database, CURATED_TABLE_NAME),
    now: Date.now,
  };
  let hours: number[];
  if (event.hour !== undefined) {
    if (typeof event.hour !== 'string' || !HOUR_INPUT.test(event.hour))
      throw new Error(`event.hour must be a UTC hour like 2026-11-21T09, got ${JSON.stringify(event.hour)}`);
    hours = [Date.parse(`${event.hour}:00:00Z`)];
  } else {
    const at = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
    hours = hoursDue(Number.isFinite(at) ? at : Date.now(), settings);
  }
  const done: HourCompaction[] = [];
  for (const hour of hours) {
    const result = await compactHour(hour, settings, ports);
    logger.info('compacted', { ...result });
    done.push(result);
  }
  return done;
};
