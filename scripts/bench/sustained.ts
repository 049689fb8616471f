/**
 * The sustained workload (issue 22): `npm start` with its generator at R records/s over D devices for N minutes,
 * watched from outside. Every few seconds the processor's lag (records in the topic minus the consumer group's
 * committed offsets, as the status line computes it) is sampled; freshness markers measure produce → visible in the
 * API. "Keeps up" is a measured line: lag at the end under 30 s of input and freshness p99 under 30 s.
 */
import { loadavg } from 'node:os';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DEFAULT_CONSUMER_GROUP, DEFAULT_TOPIC } from '#core/contract/index.ts';
import { groupPositions } from '#scripts/local/group-positions.ts';
import { startFreshnessProbe } from './freshness.ts';
import { type RuntimeJob, startRuntime } from './local-runtime.ts';
import { percentile } from './stats.ts';

export interface SustainedJob extends RuntimeJob {
  readonly minutes: number;
  /** @default 5_000 */
  readonly sampleMs?: number;
}

export interface SustainedResult {
  readonly minutes: number;
  readonly rate: number;
  readonly devices: number;
  readonly profile: string;
  /** Records that entered the topic and records the processor committed, over the measured minutes. */
  readonly recordsIn: number;
  readonly processed: number;
  readonly inputRecordsPerSec: number;
  readonly processedRecordsPerSec: number;
  readonly lagMaxRecords: number;
  readonly lagEndRecords: number;
  /** Lag in seconds of input (lag ÷ rate). */
  readonly lagMaxSeconds: number;
  readonly lagEndSeconds: number;
  readonly freshnessP50Ms: number;
  readonly freshnessP99Ms: number;
  readonly freshnessMarkers: number;
  /** Lag at the end under 30 s of input and freshness p99 under 30 s. */
  readonly keptUp: boolean;
  /** The machine's 1-minute load average when the measured minutes started and ended (os.loadavg()). */
  readonly loadAverageStart?: number;
  readonly loadAverageEnd?: number;
  /** [seconds since start, lag in records], one per sample. */
  readonly lagSeries: readonly (readonly [number, number])[];
}

/** The bar issue 22 sets: lag at the end below this many seconds of input, freshness p99 below this. */
export const KEEPS_UP_SECONDS = 30;

interface Progress {
  readonly recordsIn: number;
  readonly processed: number;
  /** partition → last committed offset (−1: none). */
  readonly handled: ReadonlyMap<number, number>;
}

const progressOf = async (admin: ReturnType<Kafka['admin']>): Promise<Progress> => {
  const [high, committed] = await Promise.all([
    admin.fetchTopicOffsets(DEFAULT_TOPIC),
    admin.fetchOffsets({ groupId: DEFAULT_CONSUMER_GROUP, topics: [DEFAULT_TOPIC] }),
  ]);
  const positions = groupPositions(high, committed[0]?.partitions ?? []);
  return {
    recordsIn: positions.reduce((sum, p) => sum + p.end, 0),
    processed: positions.reduce((sum, p) => sum + p.offset, 0),
    handled: new Map(positions.map((p) => [p.partition, p.offset - 1])),
  };
};

/** Whether a run meets the bar (exported for the test that holds the definition). */
export const keptUp = (r: Pick<SustainedResult, 'lagEndSeconds' | 'freshnessP99Ms'>): boolean =>
  r.lagEndSeconds < KEEPS_UP_SECONDS && r.freshnessP99Ms < KEEPS_UP_SECONDS * 1000;

const summarize = (
  job: SustainedJob,
  samples: readonly (readonly [number, Progress])[],
  latencies: number[],
) => {
  const first = samples[0]?.[1] ?? { recordsIn: 0, processed: 0 };
  const [endAt, last] = samples.at(-1) ?? [0, first];
  const seconds = Math.max(1, endAt);
  const lags = samples.map(([t, p]) => [Math.round(t), Math.max(0, p.recordsIn - p.processed)] as const);
  const lagMax = Math.max(0, ...lags.map(([, lag]) => lag));
  const lagEnd = lags.at(-1)?.[1] ?? 0;
  const perSecond = (n: number) => Math.round(n / seconds);
  const result = {
    minutes: job.minutes,
    rate: job.rate,
    devices: job.devices,
    profile: job.profile ?? 'local',
    recordsIn: last.recordsIn - first.recordsIn,
    processed: last.processed - first.processed,
    inputRecordsPerSec: perSecond(last.recordsIn - first.recordsIn),
    processedRecordsPerSec: perSecond(last.processed - first.processed),
    lagMaxRecords: lagMax,
    lagEndRecords: lagEnd,
    lagMaxSeconds: job.rate > 0 ? Math.round((lagMax / job.rate) * 10) / 10 : 0,
    lagEndSeconds: job.rate > 0 ? Math.round((lagEnd / job.rate) * 10) / 10 : 0,
    freshnessP50Ms: Math.round(percentile(latencies, 50)),
    freshnessP99Ms: Math.round(percentile(latencies, 99)),
    freshnessMarkers: latencies.length,
    lagSeries: lags,
  };
  return { ...result, keptUp: keptUp(result) };
};

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Runs the sustained workload once and reports it; `log` gets a line per sample. */
export const runSustained = async (
  job: SustainedJob,
  log: (line: string) => void,
): Promise<SustainedResult> => {
  const runtime = await startRuntime(job);
  const kafka = new Kafka({
    clientId: 'fleetstream-sustained',
    brokers: [runtime.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    let latest = await progressOf(admin);
    const samples: [number, Progress][] = [[0, latest]];
    const probe = startFreshnessProbe({
      producer,
      topic: DEFAULT_TOPIC,
      apiUrl: runtime.apiUrl,
      devices: job.devices,
      seed: 'fleetstream-sustained',
      intervalMs: 1_000,
      timeoutMs: 120_000,
      handledOffset: (partition) => latest.handled.get(partition) ?? -1,
    });
    const started = performance.now();
    const loadAverageStart = round1(loadavg()[0] ?? 0);
    const endAt = started + job.minutes * 60_000;
    while (performance.now() < endAt) {
      await new Promise((resolve) => setTimeout(resolve, job.sampleMs ?? 5_000));
      latest = await progressOf(admin).catch(() => latest);
      const t = (performance.now() - started) / 1000;
      samples.push([t, latest]);
      log(
        `  ${t.toFixed(0)} s: in ${latest.recordsIn}, processed ${latest.processed}, lag ${latest.recordsIn - latest.processed}, load ${loadavg()[0]?.toFixed(1)}`,
      );
    }
    const loadAverageEnd = round1(loadavg()[0] ?? 0);
    const { latenciesMs } = await probe.stop();
    return { ...summarize(job, samples, latenciesMs), loadAverageStart, loadAverageEnd };
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await runtime.stop();
  }
};

const SUSTAINED_NUMBERS = [
  'minutes',
  'rate',
  'devices',
  'recordsIn',
  'processed',
  'inputRecordsPerSec',
  'processedRecordsPerSec',
  'lagMaxRecords',
  'lagEndRecords',
  'lagMaxSeconds',
  'lagEndSeconds',
  'freshnessP50Ms',
  'freshnessP99Ms',
  'freshnessMarkers',
] as const;

const LOAD_AVERAGES = ['loadAverageStart', 'loadAverageEnd'] as const;

/** What is wrong with a `sustained` entry of latest.json (empty when it has the shape above). */
export const sustainedShapeErrors = (v: unknown, path = 'sustained'): string[] => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${path} must be an object`];
  const doc = v as Record<string, unknown>;
  const errors: string[] = [];
  for (const f of SUSTAINED_NUMBERS) {
    const x = doc[f];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
      errors.push(`${path}.${f} must be a number >= 0`);
  }
  if (typeof doc.profile !== 'string') errors.push(`${path}.profile must be a string`);
  if (typeof doc.keptUp !== 'boolean') errors.push(`${path}.keptUp must be a boolean`);
  const series = doc.lagSeries;
  if (
    !Array.isArray(series) ||
    !series.every((s) => Array.isArray(s) && s.length === 2 && s.every(Number.isFinite))
  )
    errors.push(`${path}.lagSeries must be [seconds, lag] pairs`);
  for (const f of LOAD_AVERAGES) {
    const x = doc[f];
    if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x) || x < 0))
      errors.push(`${path}.${f} must be a number >= 0`);
  }
  const known: readonly string[] = [...SUSTAINED_NUMBERS, ...LOAD_AVERAGES, 'profile', 'keptUp', 'lagSeries'];
  for (const k of Object.keys(doc))
    if (!known.includes(k)) errors.push(`${path}.${k} is not in the contract`);
  return errors;
};
