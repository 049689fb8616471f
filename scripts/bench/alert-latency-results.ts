/** The `alertLatency` key of bench/results/latest.json (issue 21): its type and shape check. */
import type { LatencyProfile, ProfileLatency } from './alert-latency.ts';

export type AlertLatencyResult = Partial<Record<LatencyProfile, ProfileLatency>> & {
  /** Cores of the machine that ran it (the load averages are per machine, not per core). */
  readonly cores: number;
};

const SUMMARY = ['samples', 'p50Ms', 'p99Ms', 'maxMs'] as const;
const PROFILE_NUMBERS = ['batchingWindowSeconds', 'groupWindowSeconds', 'loadBefore', 'loadAfter'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const numbers = (v: Record<string, unknown>, path: string, fields: readonly string[], errors: string[]) => {
  for (const f of fields) {
    const x = v[f];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
      errors.push(`${path}.${f} must be a number >= 0`);
  }
};

const summaryErrors = (v: unknown, path: string, extra: readonly string[] = []): string[] => {
  if (!isObject(v)) return [`${path} must be an object`];
  const errors: string[] = [];
  numbers(v, path, [...SUMMARY, ...extra], errors);
  for (const k of Object.keys(v))
    if (![...SUMMARY, ...extra].includes(k)) errors.push(`${path}.${k} is not in the contract`);
  return errors;
};

export const alertLatencyShapeErrors = (v: unknown, path = 'alertLatency'): string[] => {
  if (!isObject(v)) return [`${path} must be an object`];
  const errors: string[] = [];
  numbers(v, path, ['cores'], errors);
  for (const [name, profile] of Object.entries(v)) {
    if (name === 'cores') continue;
    if (name !== 'realtime' && name !== 'balanced') {
      errors.push(`${path}.${name} is not in the contract`);
      continue;
    }
    const at = `${path}.${name}`;
    if (!isObject(profile)) {
      errors.push(`${at} must be an object`);
      continue;
    }
    numbers(profile, at, PROFILE_NUMBERS, errors);
    errors.push(...summaryErrors(profile.threshold, `${at}.threshold`));
    if (profile.silence !== undefined)
      errors.push(...summaryErrors(profile.silence, `${at}.silence`, ['silentForSeconds']));
    for (const k of Object.keys(profile))
      if (![...PROFILE_NUMBERS, 'threshold', 'silence'].includes(k))
        errors.push(`${at}.${k} is not in the contract`);
  }
  return errors;
};
