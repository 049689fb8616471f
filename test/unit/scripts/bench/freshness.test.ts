import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Producer, ProducerRecord } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { CALLER_LIMITS } from '#core/contract/index.ts';
import {
  DEFAULT_POLL_MS,
  type FreshnessOptions,
  FreshnessProbeError,
  startFreshnessProbe,
} from '#scripts/bench/freshness.ts';

/** A producer that appends to one partition and answers with the offsets, as the broker does. */
const fakeProducer = () => {
  const sent: Message[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      const baseOffset = sent.length;
      sent.push(...record.messages);
      return [{ topicName: record.topic, partition: 0, errorCode: 0, baseOffset: String(baseOffset) }];
    },
  } as unknown as Producer;
  return { producer, sent };
};

const eventTimeOf = (m: Message) => JSON.parse(String(m.value)).event_time as string;

/** The lookup API's `GET /devices/{id}`: lastSeen of the device's newest marker, or `rollBack`'s answer. */
const startApi = async (sent: Message[], rollBack: (deviceId: string) => boolean): Promise<Server> => {
  const server = createServer((request, response) => {
    const deviceId = decodeURIComponent(request.url?.split('/').pop() ?? '');
    const newest = sent.filter((m) => String(m.key) === deviceId).at(-1);
    if (newest === undefined) {
      response.writeHead(404).end('{"error":"unknown device"}');
      return;
    }
    const lastSeen = rollBack(deviceId) ? '2020-01-01T00:00:00.000Z' : eventTimeOf(newest);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ deviceId, lastSeen }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

/** The API shows an old lastSeen for the first device it is asked about (the head marker's), forever. */
const firstDeviceRollsBack = () => {
  let victim: string | undefined;
  return {
    rollBack: (deviceId: string) => {
      victim ??= deviceId;
      return deviceId === victim;
    },
    victim: () => victim,
  };
};

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  if (open !== undefined) await new Promise((resolve) => open.close(resolve));
  server = undefined;
});

const probeFor = async (rollBack: (deviceId: string) => boolean, options: Partial<FreshnessOptions> = {}) => {
  const { producer, sent } = fakeProducer();
  server = await startApi(sent, rollBack);
  const probe = startFreshnessProbe({
    producer,
    topic: 'bench.test',
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    devices: 50,
    seed: 'freshness-test',
    intervalMs: 5,
    pollMs: 2,
    timeoutMs: 1_500,
    ...options,
  });
  while (probe.sent() < 30) await new Promise((resolve) => setTimeout(resolve, 5));
  return { result: await probe.stop(), sent, probe };
};

describe('freshness probe', () => {
  it('times every marker once the API shows its stamp, whole reports counted as records', async () => {
    const { result, sent, probe } = await probeFor(() => false, { handledOffset: () => -1 });
    expect(result.rolledBack).toBe(0);
    const reports = new Set(sent.map(eventTimeOf)).size;
    expect(result.latenciesMs).toHaveLength(reports);
    expect(probe.sent()).toBe(sent.length);
    expect(sent.length).toBeGreaterThan(reports); // reports carry a record per interface
    expect(Math.max(...result.latenciesMs)).toBeLessThan(1_500);
  });

  it('counts a processed marker the API never shows as rolled back instead of waiting it out', async () => {
    const { rollBack, victim } = firstDeviceRollsBack();
    const { result, sent } = await probeFor(rollBack, { handledOffset: () => Number.MAX_SAFE_INTEGER });
    const victimReports = new Set(sent.filter((m) => String(m.key) === victim()).map(eventTimeOf)).size;
    expect(result.rolledBack).toBe(victimReports);
    expect(result.latenciesMs).toHaveLength(new Set(sent.map(eventTimeOf)).size - victimReports);
    expect(Math.max(...result.latenciesMs)).toBeLessThan(1_500);
  });

  it('without processing progress, censors such a marker at the timeout (the old behaviour)', async () => {
    const { result } = await probeFor(firstDeviceRollsBack().rollBack);
    expect(result.rolledBack).toBe(0);
    expect(result.latenciesMs).toContain(1_500);
  });

  it('polls under the API caller limit by default, so a long run is never refused', () => {
    const requestsPerWindow = (CALLER_LIMITS.windowSeconds * 1000) / DEFAULT_POLL_MS;
    expect(requestsPerWindow).toBeLessThanOrEqual(CALLER_LIMITS.requestsPerWindow);
  });

  it('fails the run when the API refuses the probe (429) instead of reporting censored freshness', async () => {
    const { producer } = fakeProducer();
    server = createServer((_request, response) => {
      response.writeHead(429).end('{"error":"rate limit"}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const probe = startFreshnessProbe({
      producer,
      topic: 'bench.test',
      apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      devices: 5,
      seed: 'freshness-test',
      intervalMs: 5,
      pollMs: 2,
      timeoutMs: 60_000,
    });
    while (probe.sent() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(probe.stop()).rejects.toBeInstanceOf(FreshnessProbeError);
  });
});
