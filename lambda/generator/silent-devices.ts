/**
 * `--silent-ratio F` (issue 21): a seeded share of the fleet stops reporting after a while, so a local run shows
 * silence alerts within a few minutes. Each chosen device goes quiet a random 30–90 s after the stream starts and
 * never reports again; the others keep the stream's rate between them. Pure apart from the clock it is handed.
 */
import { deviceIdOf } from './devices.ts';
import { createRandom } from './prng.ts';

/** When a chosen device stops, in seconds after the stream starts. */
export const SILENT_AFTER_SECONDS = { min: 30, max: 90 } as const;

export interface SilentPlanOptions {
  readonly devices: number;
  /** Share of devices that stop, 0 ≤ ratio < 1 (at least one device always keeps reporting). */
  readonly ratio: number;
  readonly seed: string | number;
  /** Epoch ms the stream starts at. */
  readonly startMs: number;
}

/** Device id → epoch ms from which it sends nothing; the same seed always picks the same devices and times. */
export const silentPlan = (options: SilentPlanOptions): ReadonlyMap<string, number> => {
  const { devices, ratio, seed, startMs } = options;
  if (!(ratio >= 0 && ratio < 1))
    throw new Error(`silent ratio must be within 0 (inclusive) and 1, got ${ratio}`);
  const random = createRandom(`${seed}/silent`);
  const indexes = Array.from({ length: devices }, (_, i) => i);
  // Fisher–Yates: the first `count` of a seeded shuffle.
  for (let i = indexes.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [indexes[i], indexes[j]] = [indexes[j] as number, indexes[i] as number];
  }
  const count = Math.min(Math.round(ratio * devices), devices - 1);
  const { min, max } = SILENT_AFTER_SECONDS;
  return new Map(
    indexes
      .slice(0, count)
      .map((index) => [deviceIdOf(index), startMs + random.int(min, max) * 1000] as const),
  );
};

/** The reports of devices that have not stopped yet (`now` ≥ their stop time drops every later report of theirs). */
export function* withoutSilenced<R extends readonly { readonly key: string }[]>(
  reports: Iterator<R>,
  plan: ReadonlyMap<string, number>,
  now: () => number = Date.now,
): Generator<R, never> {
  while (true) {
    const report = reports.next().value as R;
    const key = report[0]?.key;
    const stopsAt = key === undefined ? undefined : plan.get(key);
    if (stopsAt === undefined || now() < stopsAt) yield report;
  }
}

/** The stream's reports, less those of the devices `silentRatio` stops (the stream unchanged when it is 0 or absent). */
export const withSilentDevices = <R extends readonly { readonly key: string }[]>(
  reports: Iterator<R>,
  options: { readonly devices: number; readonly silentRatio?: number; readonly seed?: string | number },
): Iterator<R> => {
  const ratio = options.silentRatio ?? 0;
  if (ratio === 0) return reports;
  const plan = silentPlan({ devices: options.devices, ratio, seed: options.seed ?? 1, startMs: Date.now() });
  return withoutSilenced(reports, plan);
};
