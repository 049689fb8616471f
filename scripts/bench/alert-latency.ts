/**
 * Alert latency (issue 21): what a person waits, per deployed profile, measured through the real local pipeline
 * (`npm start -- --no-generator --profile <p>`: the poller with the profile's batching window, the processor, the
 * alerts table's stream read with the notifier's group window, the notifier, the SNS stand-in's `alerts.jsonl`).
 *
 * - threshold: a record that makes the seeded `modem-down` rule fire is produced for a fresh device; the latency is
 *   from just before the produce call to the `at` the SNS stand-in stamps on the published message. Samples are
 *   spaced a random 3.5–5.5 s apart (seeded), so they land at every phase of both windows and fewer than the digest
 *   threshold share a group window (each is published on its own, with its deviceId attribute).
 * - silence: devices of a bench-only model report every second for a while and stop; a silence rule of N s on that
 *   model fires for each. The latency is from each device's last record to its silence notification (N included).
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { DEFAULT_ALERT_GROUP_WINDOW_SECONDS, DEFAULT_TOPIC } from '#core/contract/index.ts';
import { PROFILES, type ProfileName } from '#lib/profiles.ts';
import { startRuntime } from './local-runtime.ts';
import { percentile } from './stats.ts';

export const LATENCY_PROFILES = ['realtime', 'balanced'] as const satisfies readonly ProfileName[];
export type LatencyProfile = (typeof LATENCY_PROFILES)[number];

/** The seeded threshold rule the samples trip (scripts/local/seed.ts). */
const THRESHOLD_RULE = 'modem-down';
const SILENCE_RULE = 'bench-silent';
const SILENCE_MODEL = 'BENCH-SILENT';
const SPACING_MS = { min: 3500, max: 5500 };

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ProfileLatency {
  readonly batchingWindowSeconds: number;
  readonly groupWindowSeconds: number;
  readonly threshold: LatencySummary;
  /** Absent when the run skipped it (`--no-silence`) or the runtime has no silence sweep. */
  readonly silence?: LatencySummary & { readonly silentForSeconds: number };
  /** 1-minute load average when the profile's run started and ended (the machine is shared). */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface LatencyJob {
  readonly profile: LatencyProfile;
  readonly samples: number;
  /** Devices that go silent; 0 skips the silence measurement. */
  readonly silentDevices: number;
  readonly silentForSeconds: number;
  readonly log: (line: string) => void;
}

interface Published {
  readonly at: string;
  readonly attributes: Record<string, string>;
}

export const summarize = (latencies: readonly number[]): LatencySummary => ({
  samples: latencies.length,
  p50Ms: Math.round(percentile(latencies, 50)),
  p99Ms: Math.round(percentile(latencies, 99)),
  maxMs: Math.round(Math.max(0, ...latencies)),
});

/** A seeded spacing sequence (xorshift), so two runs sample the windows the same way. */
export const spacings = (count: number, seed = 21): number[] => {
  let x = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const unit = (x >>> 0) / 2 ** 32;
    return Math.round(SPACING_MS.min + unit * (SPACING_MS.max - SPACING_MS.min));
  });
};

const record = (deviceid: string, model: string, status: string) =>
  JSON.stringify({
    deviceid,
    model,
    interface: 'eth0',
    interfacestatus: status,
    cpuusage: 20,
    memoryusage: 512,
    event_time: new Date().toISOString(),
  });

const readPublished = async (stateDir: string): Promise<Published[]> => {
  const text = await readFile(join(stateDir, 'alerts.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Published);
};

/** Waits until every device has a firing notification of the rule; answers device → publish time (ms). */
const waitForNotifications = async (
  stateDir: string,
  wanted: { ruleId: string; devices: readonly string[]; timeoutMs: number },
): Promise<Map<string, number>> => {
  const deadline = Date.now() + wanted.timeoutMs;
  const found = new Map<string, number>();
  while (Date.now() < deadline) {
    for (const message of await readPublished(stateDir)) {
      const { deviceId, ruleId, state } = message.attributes;
      if (ruleId !== wanted.ruleId || deviceId === undefined || (state !== undefined && state !== 'firing'))
        continue;
      if (wanted.devices.includes(deviceId) && !found.has(deviceId))
        found.set(deviceId, Date.parse(message.at));
    }
    if (found.size === wanted.devices.length) return found;
    await sleep(500);
  }
  return found;
};

const latenciesOf = (sentAt: ReadonlyMap<string, number>, publishedAt: ReadonlyMap<string, number>) =>
  [...sentAt].flatMap(([device, sent]) => {
    const published = publishedAt.get(device);
    return published === undefined ? [] : [published - sent];
  });

/** Threshold samples: one `down` record per fresh device, spaced; answers the latencies it saw published. */
const thresholdSamples = async (producer: Producer, stateDir: string, job: LatencyJob) => {
  const run = Date.now().toString(36);
  const sentAt = new Map<string, number>();
  for (const [i, wait] of spacings(job.samples).entries()) {
    const device = `lat-${job.profile}-${run}-${i}`;
    sentAt.set(device, Date.now());
    await producer.send({
      topic: DEFAULT_TOPIC,
      messages: [{ key: device, value: record(device, 'EVG2000', 'down') }],
    });
    await sleep(wait);
  }
  const timeoutMs =
    (PROFILES[job.profile].maxBatchingWindowSeconds + DEFAULT_ALERT_GROUP_WINDOW_SECONDS) * 1000 * 4;
  const published = await waitForNotifications(stateDir, {
    ruleId: THRESHOLD_RULE,
    devices: [...sentAt.keys()],
    timeoutMs: Math.max(timeoutMs, 120_000),
  });
  if (published.size < sentAt.size)
    job.log(
      `  ${sentAt.size - published.size} of ${sentAt.size} threshold alerts were not published in time`,
    );
  return latenciesOf(sentAt, published);
};

/** Silence samples: devices report every second for 10 s, then stop; latency from each one's last record. */
const silenceSamples = async (
  producer: Producer,
  runtime: { apiUrl: string; stateDir: string },
  job: LatencyJob,
) => {
  const rule = {
    ruleId: SILENCE_RULE,
    description: 'bench: silence latency',
    when: { silentForSeconds: job.silentForSeconds },
    models: [SILENCE_MODEL],
    severity: 'warning',
    enabled: true,
  };
  const put = await fetch(`${runtime.apiUrl}/rules/${SILENCE_RULE}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  if (put.status !== 200)
    throw new Error(`PUT /rules/${SILENCE_RULE} answered ${put.status}: ${await put.text()}`);
  const devices = Array.from({ length: job.silentDevices }, (_, i) => `quiet-${job.profile}-${i}`);
  const lastAt = new Map<string, number>();
  for (let second = 0; second < 10; second++) {
    for (const device of devices) lastAt.set(device, Date.now());
    await producer.send({
      topic: DEFAULT_TOPIC,
      messages: devices.map((device) => ({ key: device, value: record(device, SILENCE_MODEL, 'connected') })),
    });
    await sleep(1000);
  }
  const published = await waitForNotifications(runtime.stateDir, {
    ruleId: SILENCE_RULE,
    devices,
    timeoutMs: (job.silentForSeconds + 240 + DEFAULT_ALERT_GROUP_WINDOW_SECONDS) * 1000,
  });
  if (published.size < devices.length)
    job.log(
      `  ${devices.length - published.size} of ${devices.length} silence alerts were not published in time`,
    );
  return latenciesOf(lastAt, published);
};

/** One profile's run: its own `npm start`, the threshold samples, then (optionally) the silence samples. */
export const measureProfile = async (job: LatencyJob): Promise<ProfileLatency> => {
  const loadBefore = loadavg()[0] ?? 0;
  job.log(
    `alert latency, profile ${job.profile}: starting npm start -- --no-generator (load ${loadBefore.toFixed(1)})`,
  );
  const runtime = await startRuntime({ profile: job.profile, generator: false, devices: 0, rate: 0 });
  const kafka = new Kafka({
    brokers: [runtime.brokers],
    logLevel: logLevel.NOTHING,
    clientId: 'bench-latency',
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await producer.connect();
    const threshold = summarize(await thresholdSamples(producer, runtime.stateDir, job));
    job.log(`  threshold: p50 ${threshold.p50Ms} ms, p99 ${threshold.p99Ms} ms over ${threshold.samples}`);
    const silence =
      job.silentDevices > 0 ? summarize(await silenceSamples(producer, runtime, job)) : undefined;
    if (silence !== undefined)
      job.log(
        `  silence (${job.silentForSeconds} s): p50 ${silence.p50Ms} ms, p99 ${silence.p99Ms} ms over ${silence.samples}`,
      );
    return {
      batchingWindowSeconds: PROFILES[job.profile].maxBatchingWindowSeconds,
      groupWindowSeconds: DEFAULT_ALERT_GROUP_WINDOW_SECONDS,
      threshold,
      ...(silence === undefined || silence.samples === 0
        ? {}
        : { silence: { ...silence, silentForSeconds: job.silentForSeconds } }),
      loadBefore: Math.round(loadBefore * 10) / 10,
      loadAfter: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await runtime.stop();
  }
};
