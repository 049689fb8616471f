import { numberFlag } from '#scripts/shared/cli.ts';
import { mergeIntoResults } from './merge-results.ts';
import { runSustained } from './sustained.ts';

export interface SustainedFlags {
  readonly minutes?: string | undefined;
  readonly rate?: string | undefined;
  readonly devices?: string | undefined;
  readonly profile?: string | undefined;
}

/** `npm run bench -- --sustained [--minutes N] [--rate R] [--devices D] [--profile P]`: writes `sustained` only. */
export const sustainedMain = async (flags: SustainedFlags, out: string, log: (line: string) => void) => {
  const job = {
    minutes: numberFlag('minutes', flags.minutes ?? '5', { min: 0.1, max: 120 }),
    rate: numberFlag('rate', flags.rate ?? '2000', { min: 1 }),
    devices: numberFlag('devices', flags.devices ?? '1000', { min: 1, max: 1_000_000, integer: true }),
    profile: flags.profile ?? 'local',
  };
  log(
    `sustained: npm start --profile ${job.profile} at ${job.rate} records/s over ${job.devices} devices ` +
      `for ${job.minutes} min`,
  );
  const result = await runSustained(job, log);
  const { lagSeries: _series, ...summary } = result;
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  await mergeIntoResults(out, 'sustained', result);
  log(`wrote sustained into ${out} (other keys kept)`);
  return 0;
};
