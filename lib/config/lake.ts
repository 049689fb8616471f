import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { bool, int, section } from '#lib/config/schema.ts';

/**
 * The `curatedLake` section of the configuration: the scheduled compaction of the raw archive into the curated
 * Parquet table `telemetry`. Its own module so lib/config.ts only wires it in.
 */
export interface CuratedLakeConfig {
  /** Deploy the curated table and its hourly compaction. */
  readonly enabled: boolean;
  /** Minutes after an hour closes before it is compacted (after Firehose's buffering), 1–59. */
  readonly delayMinutes: number;
  /** Hours after the first compaction that an hour is compacted again for late records, 0–48. */
  readonly lateHours: number;
}

export const CURATED_LAKE_KEY = 'curatedLake';

export const CURATED_LAKE_DEFAULTS: CuratedLakeConfig = {
  enabled: true,
  delayMinutes: CURATED_COMPACTION_DEFAULTS.delayMinutes,
  lateHours: CURATED_COMPACTION_DEFAULTS.lateHours,
};

const RANGES = { delayMinutes: [1, 59], lateHours: [0, 48] } as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses the section (absent = defaults), pushing one message per invalid or unknown setting onto `errors`. */
export const parseCuratedLake = (raw: unknown, path: string, errors: string[]): CuratedLakeConfig => {
  if (raw === undefined) return CURATED_LAKE_DEFAULTS;
  if (!isRecord(raw)) {
    errors.push(`${path} must be an object, got ${JSON.stringify(raw)}`);
    return CURATED_LAKE_DEFAULTS;
  }
  const known = Object.keys(CURATED_LAKE_DEFAULTS);
  for (const key of Object.keys(raw))
    if (!known.includes(key))
      errors.push(`${path}.${key} is not a known setting (known: ${known.join(', ')})`);
  const enabled = raw.enabled ?? CURATED_LAKE_DEFAULTS.enabled;
  if (typeof enabled !== 'boolean')
    errors.push(`${path}.enabled must be true or false, got ${JSON.stringify(enabled)}`);
  const int = (key: keyof typeof RANGES): number => {
    const value = raw[key] ?? CURATED_LAKE_DEFAULTS[key];
    const [min, max] = RANGES[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    errors.push(`${path}.${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return CURATED_LAKE_DEFAULTS[key];
  };
  return { enabled: enabled === true, delayMinutes: int('delayMinutes'), lateHours: int('lateHours') };
};

/** The section as an entry of the settings table in lib/config.ts. */
export const CURATED_LAKE = section({
  enabled: bool({
    default: CURATED_LAKE_DEFAULTS.enabled,
    doc: 'Deploy the curated Parquet table and its hourly compaction',
  }),
  delayMinutes: int({
    min: RANGES.delayMinutes[0],
    max: RANGES.delayMinutes[1],
    default: CURATED_LAKE_DEFAULTS.delayMinutes,
    doc: "Minutes after an hour closes before it is compacted (after Firehose's buffering)",
  }),
  lateHours: int({
    min: RANGES.lateHours[0],
    max: RANGES.lateHours[1],
    default: CURATED_LAKE_DEFAULTS.lateHours,
    doc: 'Hours after the first compaction that an hour is compacted again for late records',
  }),
});
