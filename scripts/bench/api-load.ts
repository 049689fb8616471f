/**
 * Lookup-API latency under concurrent load: a fixed number of requests, a fixed number in flight, loopback only.
 * The mix is what a dashboard does: mostly single devices, some listings, the fleet view and window ranges.
 */

import { deviceIdOf } from '#lambda/generator/devices.ts';
import { createRandom } from '#lambda/generator/prng.ts';
import { percentile } from './stats.ts';

export interface ApiLoadOptions {
  readonly url: string;
  readonly devices: number;
  readonly requests: number;
  readonly concurrency: number;
  readonly seed: string;
}

export interface ApiLoadResult {
  p50Ms: number;
  p99Ms: number;
  requestsPerSec: number;
  errors: number;
}

export const requestPaths = (
  options: Pick<ApiLoadOptions, 'devices' | 'requests' | 'seed'>,
  nowMs: number,
): string[] => {
  const random = createRandom(`${options.seed}/api`);
  const from = new Date(nowMs - 3_600_000).toISOString();
  const to = new Date(nowMs + 60_000).toISOString();
  return Array.from({ length: options.requests }, () => {
    const device = deviceIdOf(Math.floor(random.next() * options.devices));
    const roll = random.next();
    if (roll < 0.7) return `/devices/${device}`;
    if (roll < 0.8) return '/devices?status=down&limit=25';
    if (roll < 0.9) return '/fleet';
    return `/devices/${device}/windows?from=${from}&to=${to}`;
  });
};

export const runApiLoad = async (options: ApiLoadOptions): Promise<ApiLoadResult> => {
  const paths = requestPaths(options, Date.now());
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      const started = performance.now();
      const response = await fetch(`${options.url}${paths[i]}`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (response.status >= 500) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    requestsPerSec: latencies.length / seconds,
    errors,
  };
};
