/**
 * The `silenceSweep` section of the configuration (issue 21): the scheduled sweep that finds devices of silence rules
 * that stopped reporting, and a stalled pipeline. One section of the settings table in lib/config.ts.
 */
import { DEFAULT_STALL_AFTER_SECONDS } from '#core/contract/index.ts';
import { bool, int, section } from '#lib/config/schema.ts';

/** A stall is judged over at least one sweep period and at most an hour (silence rules reach down to 60 s). */
export const STALL_AFTER_SECONDS = { min: 60, max: 3_600 } as const;

export const SILENCE_SWEEP = section({
  enabled: bool({
    default: true,
    doc: 'Deploy the silence sweep (every minute, EventBridge Scheduler); without it silence rules never fire',
  }),
  stallAfterSeconds: int({
    ...STALL_AFTER_SECONDS,
    default: DEFAULT_STALL_AFTER_SECONDS,
    doc: 'Seconds a partition of the processor may stay behind before the sweep raises one "pipeline stalled" alert instead of silence alerts there',
  }),
});
