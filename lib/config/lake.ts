/**
 * The `curatedLake` section of the configuration: the scheduled compaction of the raw archive into the curated
 * Parquet table `telemetry`, one section of the settings table in lib/config.ts (its type follows from it).
 */
import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { bool, int, section } from '#lib/config/schema.ts';

export const CURATED_LAKE = section({
  enabled: bool({ default: true, doc: 'Deploy the curated Parquet table and its hourly compaction' }),
  delayMinutes: int({
    min: 1,
    max: 59,
    default: CURATED_COMPACTION_DEFAULTS.delayMinutes,
    doc: "Minutes after an hour closes before it is compacted (after Firehose's buffering)",
  }),
  lateHours: int({
    min: 0,
    max: 48,
    default: CURATED_COMPACTION_DEFAULTS.lateHours,
    doc: 'Hours after the first compaction that an hour is compacted again for late records',
  }),
});
