/**
 * The `guardrails` section of the cdk.json context (issue 25): cost and abuse caps with safe defaults. Its own type,
 * defaults and parsing, folded into lib/config.ts with one key. docs/OPERATIONS.md "Guardrails" says what happens when
 * each cap is hit; `npm run cost` prints what each bounds the monthly bill to.
 */

import {
  CALLER_LIMIT_MIN,
  CALLER_LIMIT_WINDOWS,
  CALLER_LIMITS,
  type CallerLimits,
  type CallerLimitWindow,
  LOAD_GENERATOR_LIMITS,
  type LoadGeneratorLimits,
  TABLE_IDS,
  type TableId,
} from '#core/contract/index.ts';
import { custom } from '#lib/config/schema.ts';

/** DynamoDB `OnDemandThroughput` of one table, applied to the table and to each of its indexes. */
export interface TableCap {
  readonly maxReadRequestUnits: number;
  readonly maxWriteRequestUnits: number;
}

/** DynamoDB `WarmThroughput` (pre-warmed units per second) for a known launch; at least DynamoDB's own floor. */
export interface WarmThroughput {
  readonly readUnitsPerSecond: number;
  readonly writeUnitsPerSecond: number;
}

export interface GuardrailsConfig {
  readonly tables: Readonly<Record<TableId, TableCap>>;
  /** Pre-warm the state table (the one a launch fills); `undefined` = DynamoDB's default warm throughput. */
  readonly stateWarmThroughput: WarmThroughput | undefined;
  /** Reserved concurrency of the functions people invoke; 0 = unreserved (needed on accounts with a low quota). */
  readonly reservedConcurrency: { readonly lookupApi: number; readonly loadGenerator: number };
  readonly loadGenerator: LoadGeneratorLimits;
  /** Monthly AWS Budget (USD, account-wide cost) notified at 80% actual and 100% forecast; 0 = no budget. */
  readonly monthlyBudgetUsd: number;
  /** Per-caller limits on the lookup API (WAF rate-based rules); `enabled: false` = stage throttle only. */
  readonly callerLimits: CallerLimits & { readonly enabled: boolean };
  /** S3 Object Lock default retention (governance) of the lake bucket in days; 0 = off. One-way: see DataLake. */
  readonly lakeObjectLockDays: number;
}

/** DynamoDB's minimum `WarmThroughput` for an on-demand table (the warm throughput a new table starts with). */
export const WARM_FLOOR = { readUnitsPerSecond: 12_000, writeUnitsPerSecond: 4_000 } as const;
/** DynamoDB's default per-table on-demand quota: a cap above it would cap nothing. */
export const TABLE_QUOTA_UNITS = 40_000;

export const GUARDRAILS_DEFAULTS: GuardrailsConfig = {
  tables: {
    // Above the blog scenario's ~6,200 state-table write units/s (5,000 modems × 2 records/s, `npm run cost`).
    state: { maxReadRequestUnits: 10_000, maxWriteRequestUnits: 10_000 },
    registry: { maxReadRequestUnits: 2_000, maxWriteRequestUnits: 1_000 },
    rules: { maxReadRequestUnits: 200, maxWriteRequestUnits: 20 },
    alerts: { maxReadRequestUnits: 2_000, maxWriteRequestUnits: 2_000 },
    // Mutes and acknowledgements: written by people, read by the notifier through a cache.
    operator: { maxReadRequestUnits: 1_000, maxWriteRequestUnits: 100 },
  },
  stateWarmThroughput: undefined,
  reservedConcurrency: { lookupApi: 10, loadGenerator: 2 },
  loadGenerator: LOAD_GENERATOR_LIMITS,
  monthlyBudgetUsd: 1_000,
  callerLimits: { enabled: true, ...CALLER_LIMITS },
  lakeObjectLockDays: 0,
};

type Raw = Record<string, unknown>;

const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one section, reporting a non-object or unknown keys into `errors`. */
const section = (raw: unknown, path: string, known: readonly string[], errors: string[]): Raw => {
  if (raw === undefined) return {};
  if (!isRecord(raw)) {
    errors.push(`${path} must be an object, got ${JSON.stringify(raw)}`);
    return {};
  }
  for (const key of Object.keys(raw))
    if (!known.includes(key))
      errors.push(`${path}.${key} is not a known setting (known: ${known.join(', ')})`);
  return raw;
};

interface IntRule {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

const int = (raw: Raw, path: string, key: string, rule: IntRule, errors: string[]): number => {
  const value = raw[key] ?? rule.fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
    errors.push(
      `${path}.${key} must be an integer from ${rule.min} to ${rule.max}, got ${JSON.stringify(value)}`,
    );
    return rule.fallback;
  }
  return value;
};

const parseTables = (raw: unknown, path: string, errors: string[]): Record<TableId, TableCap> => {
  const tables = section(raw, path, TABLE_IDS, errors);
  const parsed = {} as Record<TableId, TableCap>;
  for (const id of TABLE_IDS) {
    const d = GUARDRAILS_DEFAULTS.tables[id];
    const p = `${path}.${id}`;
    const cap = section(tables[id], p, ['maxReadRequestUnits', 'maxWriteRequestUnits'], errors);
    const units = (key: keyof TableCap) =>
      int(cap, p, key, { fallback: d[key], min: 1, max: TABLE_QUOTA_UNITS }, errors);
    parsed[id] = {
      maxReadRequestUnits: units('maxReadRequestUnits'),
      maxWriteRequestUnits: units('maxWriteRequestUnits'),
    };
  }
  return parsed;
};

const parseWarm = (raw: unknown, path: string, errors: string[]): WarmThroughput | undefined => {
  if (raw === undefined) return undefined;
  const warm = section(raw, path, ['readUnitsPerSecond', 'writeUnitsPerSecond'], errors);
  const units = (key: keyof WarmThroughput) =>
    int(warm, path, key, { fallback: WARM_FLOOR[key], min: WARM_FLOOR[key], max: 10_000_000 }, errors);
  return {
    readUnitsPerSecond: units('readUnitsPerSecond'),
    writeUnitsPerSecond: units('writeUnitsPerSecond'),
  };
};

const parseCallerLimits = (
  raw: unknown,
  path: string,
  errors: string[],
): GuardrailsConfig['callerLimits'] => {
  const d = GUARDRAILS_DEFAULTS.callerLimits;
  const limits = section(
    raw,
    path,
    ['enabled', 'requestsPerWindow', 'unfilteredListingsPerWindow', 'windowSeconds'],
    errors,
  );
  const enabled = limits.enabled ?? d.enabled;
  if (typeof enabled !== 'boolean')
    errors.push(`${path}.enabled must be true or false, got ${JSON.stringify(enabled)}`);
  const window = limits.windowSeconds ?? d.windowSeconds;
  if (!(CALLER_LIMIT_WINDOWS as readonly unknown[]).includes(window))
    errors.push(
      `${path}.windowSeconds must be one of ${CALLER_LIMIT_WINDOWS.join(', ')}, got ${JSON.stringify(window)}`,
    );
  // WAF accepts 10 to 2,000,000,000 requests per window.
  const count = (key: 'requestsPerWindow' | 'unfilteredListingsPerWindow') =>
    int(limits, path, key, { fallback: d[key], min: CALLER_LIMIT_MIN, max: 2_000_000_000 }, errors);
  const requestsPerWindow = count('requestsPerWindow');
  const unfilteredListingsPerWindow = count('unfilteredListingsPerWindow');
  if (unfilteredListingsPerWindow > requestsPerWindow)
    errors.push(`${path}.unfilteredListingsPerWindow must not exceed ${path}.requestsPerWindow`);
  return {
    enabled: typeof enabled === 'boolean' ? enabled : d.enabled,
    requestsPerWindow,
    unfilteredListingsPerWindow,
    windowSeconds: (CALLER_LIMIT_WINDOWS as readonly unknown[]).includes(window)
      ? (window as CallerLimitWindow)
      : d.windowSeconds,
  };
};

const parseLoadGenerator = (raw: unknown, path: string, errors: string[]): LoadGeneratorLimits => {
  const d = GUARDRAILS_DEFAULTS.loadGenerator;
  const limits = section(raw, path, ['maxDevices', 'maxRate', 'maxCount'], errors);
  return {
    maxDevices: int(limits, path, 'maxDevices', { fallback: d.maxDevices, min: 1, max: 10_000_000 }, errors),
    maxRate: int(limits, path, 'maxRate', { fallback: d.maxRate, min: 1, max: 1_000_000 }, errors),
    maxCount: int(limits, path, 'maxCount', { fallback: d.maxCount, min: 1, max: 1_000_000_000 }, errors),
  };
};

/** Parses `guardrails` (absent = every default); problems are appended to `errors`, as lib/config.ts collects them. */
export const parseGuardrails = (raw: unknown, path: string, errors: string[]): GuardrailsConfig => {
  const root = section(
    raw,
    path,
    [
      'tables',
      'stateWarmThroughput',
      'reservedConcurrency',
      'loadGenerator',
      'monthlyBudgetUsd',
      'callerLimits',
      'lakeObjectLockDays',
    ],
    errors,
  );
  const d = GUARDRAILS_DEFAULTS;
  const concurrency = section(
    root.reservedConcurrency,
    `${path}.reservedConcurrency`,
    ['lookupApi', 'loadGenerator'],
    errors,
  );
  const reserved = (key: 'lookupApi' | 'loadGenerator') =>
    int(
      concurrency,
      `${path}.reservedConcurrency`,
      key,
      { fallback: d.reservedConcurrency[key], min: 0, max: 1000 },
      errors,
    );
  return {
    tables: parseTables(root.tables, `${path}.tables`, errors),
    stateWarmThroughput: parseWarm(root.stateWarmThroughput, `${path}.stateWarmThroughput`, errors),
    reservedConcurrency: { lookupApi: reserved('lookupApi'), loadGenerator: reserved('loadGenerator') },
    loadGenerator: parseLoadGenerator(root.loadGenerator, `${path}.loadGenerator`, errors),
    monthlyBudgetUsd: int(
      root,
      path,
      'monthlyBudgetUsd',
      { fallback: d.monthlyBudgetUsd, min: 0, max: 10_000_000 },
      errors,
    ),
    callerLimits: parseCallerLimits(root.callerLimits, `${path}.callerLimits`, errors),
    lakeObjectLockDays: int(root, path, 'lakeObjectLockDays', { fallback: 0, min: 0, max: 36_500 }, errors),
  };
};

/** The section as one entry of the settings table in lib/config.ts (its keys are listed in docs/OPERATIONS.md). */
export const GUARDRAILS = custom<GuardrailsConfig>({
  default: GUARDRAILS_DEFAULTS,
  shownDefault:
    'table maxima, reserved concurrency, a $1,000 budget, per-caller limits (docs/OPERATIONS.md "Guardrails")',
  range:
    '`{tables, stateWarmThroughput, reservedConcurrency, loadGenerator, monthlyBudgetUsd, callerLimits, lakeObjectLockDays}`',
  doc: 'Cost and abuse caps; what happens when each is hit: docs/OPERATIONS.md "Guardrails"',
  parse: (c, raw, path) => parseGuardrails(raw, path, c.errors),
});
