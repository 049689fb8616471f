/**
 * End-to-end freshness: produce → visible through the lookup API. Every `intervalMs` a marker — a normal, valid
 * report of a fleet device (a record per interface), stamped with the current time as its event_time — is produced
 * into the workload's topic, and the API is polled until that device's `lastSeen` reaches the stamp. Markers queue
 * behind whatever the workload has in flight, exactly as a real report would.
 *
 * A marker whose batch the processor has finished but whose stamp the API does not show was overwritten by an older
 * record (last writer wins: the naive design can do that, FleetStream cannot). It is counted as rolled back, not
 * timed: waiting for it would only measure the timeout and hold up every marker behind it.
 */
import type { Producer } from 'kafkajs';
import { CALLER_LIMITS } from '#core/contract/index.ts';
import { FleetStreamError } from '#core/errors.ts';
import { createReportStream } from '#lambda/generator/telemetry.ts';

/**
 * The API's per-caller limit (WAF in AWS, its stand-in locally) allows one request every window/requests ms; the probe
 * polls half as often, so a run of any length stays under it. Polling at 25 ms (40 requests/s) once had every marker
 * refused with a 429 after 75 s, which read as freshness censored at the timeout.
 */
export const DEFAULT_POLL_MS = Math.ceil(
  (2 * CALLER_LIMITS.windowSeconds * 1000) / CALLER_LIMITS.requestsPerWindow,
);

export interface FreshnessOptions {
  readonly producer: Producer;
  readonly topic: string;
  readonly apiUrl: string;
  readonly devices: number;
  readonly seed: string;
  readonly recordBytes?: number;
  /** @default 250 */
  readonly intervalMs?: number;
  /** @default DEFAULT_POLL_MS (200 ms at the default caller limits) */
  readonly pollMs?: number;
  /** A marker not visible after this long is recorded at this value (censored). @default 300_000 */
  readonly timeoutMs?: number;
  /** The highest offset of a partition whose batch the processor has finished (-1: none yet). */
  readonly handledOffset?: (partition: number) => number;
}

export interface FreshnessResult {
  /** Produce → visible, per marker. */
  readonly latenciesMs: number[];
  /** Markers processed but overwritten by an older record before the API showed them. */
  readonly rolledBack: number;
}

export interface FreshnessProbe {
  /** Marker records produced so far (the processor must see them too). */
  readonly sent: () => number;
  /** Stops producing markers and waits for the ones in flight. */
  stop(): Promise<FreshnessResult>;
}

/** The probe itself was refused (not a slow pipeline): the run's freshness would be meaningless. */
export class FreshnessProbeError extends FleetStreamError {
  override readonly name = 'FreshnessProbeError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const lastSeenMs = async (apiUrl: string, deviceId: string): Promise<number | undefined> => {
  const response = await fetch(`${apiUrl}/devices/${encodeURIComponent(deviceId)}`);
  if (response.status === 404) {
    await response.arrayBuffer();
    return undefined;
  }
  if (response.status === 429)
    throw new FreshnessProbeError(
      `GET /devices/${deviceId} answered 429 (${await response.text()}): poll less often`,
    );
  if (!response.ok) throw new Error(`GET /devices/${deviceId} answered ${response.status}`);
  const body = (await response.json()) as { lastSeen?: string };
  return body.lastSeen === undefined ? undefined : Date.parse(body.lastSeen);
};

export const startFreshnessProbe = (options: FreshnessOptions): FreshnessProbe => {
  const intervalMs = options.intervalMs ?? 250;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const timeoutMs = options.timeoutMs ?? 300_000;
  let stamp = 0;
  const reports = createReportStream({
    devices: options.devices,
    // Same seed as the workload: same device traits (model, interfaces), so a marker changes nothing but time.
    seed: options.seed,
    ...(options.recordBytes === undefined ? {} : { recordBytes: options.recordBytes }),
    clock: () => {
      stamp = Date.now();
      return stamp;
    },
  });
  const latencies: number[] = [];
  // Oldest first: the pipeline is close to FIFO, so only the head is polled (bounded API load: 1000/pollMs
  // requests/s, never one poller per marker, which would load the processor's own DynamoDB and CPU).
  const pending: { deviceId: string; producedAt: number; partition: number; lastOffset: number }[] = [];
  let rolledBack = 0;
  let sent = 0;
  let running = true;
  let refusal: FreshnessProbeError | undefined;

  const producing = (async () => {
    while (running && refusal === undefined) {
      const { value: report } = reports.next();
      const producedAt = stamp;
      const deviceId = report[0]?.key ?? '';
      let partition = -1;
      let lastOffset = Number.POSITIVE_INFINITY;
      try {
        // One key: the whole report lands on one partition, at consecutive offsets.
        const [written] = await options.producer.send({
          topic: options.topic,
          messages: report.map(({ key, value }) => ({ key, value })),
        });
        if (written?.baseOffset !== undefined) {
          partition = written.partition;
          lastOffset = Number(written.baseOffset) + report.length - 1;
        }
      } catch {
        // A marker that was not acknowledged is not counted; the next one tries again.
        await sleep(intervalMs);
        continue;
      }
      sent += report.length;
      pending.push({ deviceId, producedAt, partition, lastOffset });
      await sleep(intervalMs);
    }
  })();

  const watching = (async () => {
    while ((running || pending.length > 0) && refusal === undefined) {
      const head = pending[0];
      if (head === undefined) {
        await sleep(pollMs);
        continue;
      }
      // Asked before the read: a batch finishing in between must not make a visible marker look rolled back.
      const handled = (options.handledOffset?.(head.partition) ?? -1) >= head.lastOffset;
      const seen = await lastSeenMs(options.apiUrl, head.deviceId).catch((error: unknown) => {
        if (error instanceof FreshnessProbeError) refusal = error;
        return undefined;
      });
      const elapsed = Date.now() - head.producedAt;
      if ((seen !== undefined && seen >= head.producedAt) || elapsed >= timeoutMs) {
        latencies.push(Math.min(elapsed, timeoutMs));
        pending.shift();
        continue;
      }
      if (handled && seen !== undefined) {
        rolledBack++;
        pending.shift();
        continue;
      }
      await sleep(pollMs);
    }
  })();

  return {
    sent: () => sent,
    stop: async () => {
      running = false;
      await producing;
      await watching;
      if (refusal !== undefined) throw refusal;
      return { latenciesMs: latencies, rolledBack };
    },
  };
};
