/**
 * Whether the local runtime is falling behind, from the same numbers as the status line (records in the topic and
 * records the processor committed), over a sliding window; and the sentence that says so and names the bound.
 */
export interface ProgressSample {
  /** performance.now() / Date.now() of the sample, ms. */
  readonly at: number;
  readonly recordsIn: number;
  readonly processed: number;
}

export interface Rates {
  readonly inPerSec: number;
  readonly processedPerSec: number;
  /** Lag now; growth of the lag per second over the window. */
  readonly lag: number;
  readonly lagGrowthPerSec: number;
}

/** The last `spanMs` of samples (plus the one just before, as the window's start). */
export class ProgressWindow {
  private samples: ProgressSample[] = [];

  constructor(private readonly spanMs = 10_000) {}

  add(sample: ProgressSample): void {
    this.samples.push(sample);
    const from = sample.at - this.spanMs;
    while ((this.samples[1]?.at ?? Infinity) <= from) this.samples.shift();
  }

  /** Rates over the window; undefined until two samples at least a second apart are in. */
  rates(): Rates | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < 1_000) return undefined;
    const seconds = (last.at - first.at) / 1000;
    const lagOf = (s: ProgressSample) => Math.max(0, s.recordsIn - s.processed);
    return {
      inPerSec: (last.recordsIn - first.recordsIn) / seconds,
      processedPerSec: (last.processed - first.processed) / seconds,
      lag: lagOf(last),
      lagGrowthPerSec: (lagOf(last) - lagOf(first)) / seconds,
    };
  }
}

/** Seconds of input the lag may reach before the runtime counts as behind (a batching window is not "behind"). */
export const BEHIND_AFTER_SECONDS = 5;

/**
 * Behind = the lag is more than a full batch and more than BEHIND_AFTER_SECONDS of input, and still growing.
 * The sentence names the bound: the processor's rate, and DynamoDB Local's measured write rate when known.
 */
export const behindNote = (
  rates: Rates | undefined,
  bound: { readonly batchSize: number; readonly ddbWritesPerSec?: number | undefined },
): string | undefined => {
  if (rates === undefined || rates.lagGrowthPerSec <= 0) return undefined;
  if (rates.lag <= Math.max(bound.batchSize, rates.inPerSec * BEHIND_AFTER_SECONDS)) return undefined;
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const ddb =
    bound.ddbWritesPerSec === undefined
      ? ''
      : `; DynamoDB Local takes ≈ ${n(bound.ddbWritesPerSec)} writes/s`;
  return `behind: lag +${n(rates.lagGrowthPerSec)}/s, processing ${n(rates.processedPerSec)}/s of ${n(rates.inPerSec)}/s in${ddb}`;
};
