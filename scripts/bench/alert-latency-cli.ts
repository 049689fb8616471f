import { cpus } from 'node:os';
import { numberFlag, UsageError } from '#scripts/shared/cli.ts';
import {
  LATENCY_PROFILES,
  type LatencyProfile,
  measureProfile,
  type ProfileLatency,
} from './alert-latency.ts';
import { mergeIntoResults } from './merge-results.ts';

export interface AlertLatencyFlags {
  readonly samples?: string | undefined;
  readonly profile?: string | undefined;
  readonly 'silent-devices'?: string | undefined;
  readonly 'silent-for'?: string | undefined;
}

const profilesOf = (flag: string | undefined): LatencyProfile[] => {
  if (flag === undefined) return [...LATENCY_PROFILES];
  const profile = LATENCY_PROFILES.find((p) => p === flag);
  if (profile === undefined)
    throw new UsageError(`--profile must be one of ${LATENCY_PROFILES.join(', ')}, got ${flag}`);
  return [profile];
};

/**
 * `npm run bench -- --alert-latency [--profile realtime|balanced] [--samples N] [--silent-devices D] [--silent-for S]`:
 * writes `alertLatency` only (other keys kept; a profile not run keeps its previous numbers).
 */
export const alertLatencyMain = async (
  flags: AlertLatencyFlags,
  out: string,
  log: (line: string) => void,
) => {
  const samples = numberFlag('samples', flags.samples ?? '12', { min: 1, max: 200, integer: true });
  const silentDevices = numberFlag('silent-devices', flags['silent-devices'] ?? '5', {
    min: 0,
    max: 10,
    integer: true,
  });
  const silentForSeconds = numberFlag('silent-for', flags['silent-for'] ?? '60', {
    min: 60,
    max: 600,
    integer: true,
  });
  const measured: Partial<Record<LatencyProfile, ProfileLatency>> = {};
  for (const profile of profilesOf(flags.profile))
    measured[profile] = await measureProfile({ profile, samples, silentDevices, silentForSeconds, log });
  const { readLatestResults } = await import('./results.ts');
  const previous = (await readLatestResults(out))?.alertLatency;
  const result = { ...previous, ...measured, cores: cpus().length };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  await mergeIntoResults(out, 'alertLatency', result);
  log(`wrote alertLatency into ${out} (other keys kept)`);
  return 0;
};
