/**
 * Issue 21's silence "done when" lines on the whole local runtime (`npm start -- --no-generator`, the sweep every 10 s
 * here instead of 60 s): (a) with a silence rule of N = 60 s, of devices producing every second those that stop get
 * exactly one firing silence alert each within N + 60 s and the others none, and a device that resumes gets its alert
 * resolved and a resolve notification; (b) pausing the runtime's processes (SIGSTOP, Kafka and DynamoDB Local keep
 * running) for longer than N while the producer keeps sending raises no silence alert for a device that kept sending;
 * a sweep run from this process meanwhile (not paused) sees the stall: one pipeline-stalled episode, notified, resolved
 * once the processor has caught up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { DEFAULT_CONSUMER_GROUP } from '#core/contract/index.ts';
import type { AlertItem } from '#core/items/alert.ts';
import { STALL_RULE_ID } from '#lambda/silence-sweep/stall-step.ts';
import { startSilenceTimer } from '#scripts/local/silence-timer.ts';
import type { PublishedMessage } from '#scripts/local/stand-ins/sns.ts';
import { localTableNames } from '#scripts/local/tables.ts';
import { type LocalRuntime, startLocalRuntime } from '#test/support/local-runtime.ts';

const N = 60;
const RULE_ID = 'it-silent';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Stored = AlertItem & { state?: string; endsAt?: string | null };

let runtime: LocalRuntime;
let producer: Producer;
const sending = new Set<string>();
const lastSent = new Map<string, number>();
let ticker: NodeJS.Timeout | undefined;

const record = (deviceid: string) =>
  JSON.stringify({
    deviceid,
    model: 'EVG2000',
    interface: 'eth0',
    interfacestatus: 'connected',
    cpuusage: 10,
    memoryusage: 100,
    event_time: new Date().toISOString(),
  });

/** One record per sending device every second, from this process (not paused with the runtime). */
const startTicker = () => {
  ticker = setInterval(() => {
    const ids = [...sending];
    if (ids.length === 0) return;
    const at = Date.now();
    producer
      .send({ topic: 'modem-telemetry', messages: ids.map((id) => ({ key: id, value: record(id) })) })
      .then(() => {
        for (const id of ids) lastSent.set(id, at);
      })
      .catch(() => {});
  }, 1_000);
};

const alerts = async (): Promise<Stored[]> => {
  const db = createDocumentClient(runtime.dynamodbEndpoint);
  const out = await db.send(new ScanCommand({ TableName: localTableNames().alerts }));
  return (out.Items ?? []) as Stored[];
};
const silenceAlerts = async () => (await alerts()).filter((a) => a.ruleId === RULE_ID);

const notifications = async (): Promise<PublishedMessage[]> =>
  (await readFile(join(runtime.stateDir, 'alerts.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PublishedMessage);

const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(1_000);
  }
  throw new Error(`timed out waiting for ${what}:\n${runtime.output().slice(-4000)}`);
};

/** The runtime's Node processes (its process group, without Kafka's and DynamoDB Local's JVMs). */
const runtimeNodeProcesses = (): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === runtime.processGroup && !stat.includes('(java)');
      } catch {
        return false;
      }
    })
    .map(Number);

beforeAll(async () => {
  runtime = await startLocalRuntime({
    RULES_CACHE_SECONDS: '1',
    FLEETSTREAM_SWEEP_SECONDS: '10',
    STALL_AFTER_SECONDS: '30',
  });
  const kafka = new Kafka({ brokers: [runtime.brokers], logLevel: logLevel.NOTHING });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // Only this test's rule: the seeded modem-silent (120 s) would alert the same devices later.
  expect((await fetch(`${runtime.apiUrl}/rules/modem-silent`, { method: 'DELETE' })).status).toBeLessThan(
    300,
  );
  const rule = { when: { silentForSeconds: N }, severity: 'critical', description: 'silent for a minute' };
  const put = await fetch(`${runtime.apiUrl}/rules/${RULE_ID}`, {
    method: 'PUT',
    body: JSON.stringify(rule),
  });
  expect(put.status).toBe(200);
  startTicker();
}, 300_000);

afterAll(async () => {
  clearInterval(ticker);
  for (const pid of runtime ? runtimeNodeProcesses() : []) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {}
  }
  await producer?.disconnect();
  await runtime?.stop();
}, 120_000);

const tag = `s${Date.now() % 100_000}`;
const keep = [0, 1, 2].map((i) => `${tag}-keep-${i}`);
const stop = [0, 1, 2].map((i) => `${tag}-stop-${i}`);

describe('silence rules on the local runtime', () => {
  it('alerts each device that stops once within N + 60 s, never one that keeps sending; resolves and notifies when it resumes', async () => {
    for (const id of [...keep, ...stop]) sending.add(id);
    await sleep(15_000);
    for (const id of stop) sending.delete(id);
    await sleep(1_500); // the last send of the stopped devices has landed
    const stoppedAt = new Map(stop.map((id) => [id, lastSent.get(id) ?? 0]));
    const seen = new Map<string, number>();
    await waitFor(
      'a silence alert for each stopped device',
      async () => {
        for (const a of await silenceAlerts()) if (!seen.has(a.deviceId)) seen.set(a.deviceId, Date.now());
        return stop.every((id) => seen.has(id)) ? true : undefined;
      },
      (N + 75) * 1000,
    );
    for (const id of stop) {
      const delay = (seen.get(id) ?? 0) - (stoppedAt.get(id) ?? 0);
      expect(delay, `${id} alerted ${delay} ms after its last record`).toBeLessThanOrEqual((N + 60) * 1000);
      expect(delay).toBeGreaterThanOrEqual(N * 1000);
    }
    await sleep(12_000); // one more sweep: nothing new, nothing twice
    const fired = await silenceAlerts();
    expect(fired.map((a) => a.deviceId).sort()).toEqual([...stop].sort());
    expect(fired.every((a) => a.state === 'firing' && a.field === 'silentForSeconds' && a.value === N)).toBe(
      true,
    );

    // One resumes: the processor's next write of it resolves the episode, and the notifier says so.
    const back = stop[0] as string;
    sending.add(back);
    const resolved = await waitFor(
      `${back}'s alert resolved`,
      async () => (await silenceAlerts()).find((a) => a.deviceId === back && a.state === 'resolved'),
      30_000,
    );
    expect(resolved.endsAt).toEqual(expect.any(String));
    await waitFor(
      'the resolve notification',
      async () =>
        (await notifications()).some(
          (m) =>
            m.attributes.ruleId === RULE_ID && m.attributes.state === 'resolved' && m.message.includes(back),
        ) || undefined,
      45_000,
    );
    expect((await silenceAlerts()).filter((a) => keep.includes(a.deviceId))).toEqual([]);
  }, 300_000);

  it('pausing the runtime for longer than N while devices keep sending raises no silence alert; a sweep that is not paused raises one stall episode', async () => {
    const before = new Set((await silenceAlerts()).map((a) => a.alertId));
    const outsideLog: string[] = [];
    const remember =
      (level: string) =>
      (message: string, ...attributes: object[]) =>
        void outsideLog.push(
          JSON.stringify({
            level,
            message,
            at: new Date().toISOString(),
            ...Object.assign({}, ...attributes),
          }),
        );
    // The runtime's own sweep is paused with it and cannot see the stall. A second sweep from this process (the same
    // core, tables and consumer group, overlapping the runtime's once it resumes) sees the processor stand still.
    const outside = startSilenceTimer({
      db: createDocumentClient(runtime.dynamodbEndpoint),
      kafka: new Kafka({ brokers: [runtime.brokers], logLevel: logLevel.NOTHING }),
      tables: localTableNames(),
      sweep: {
        topic: 'modem-telemetry',
        groupId: DEFAULT_CONSUMER_GROUP,
        stallAfterMs: 30_000,
        settleMs: 2_000,
      },
      periodMs: 5_000,
      rulesCacheSeconds: 1,
      log: { debug: () => {}, info: remember('INFO'), warn: remember('WARN'), error: remember('ERROR') },
    });
    try {
      const paused = runtimeNodeProcesses();
      expect(paused.length).toBeGreaterThan(0);
      for (const pid of paused) process.kill(pid, 'SIGSTOP');
      try {
        await sleep((N + 30) * 1000);
        const open = (await alerts()).filter((a) => a.ruleId === STALL_RULE_ID);
        expect(open).toHaveLength(1);
        expect(open[0]?.state).toBe('firing');
      } finally {
        for (const pid of paused) process.kill(pid, 'SIGCONT');
      }
      const stall = await waitFor(
        'the pipeline-stalled episode resolved',
        async () => (await alerts()).find((a) => a.ruleId === STALL_RULE_ID && a.state === 'resolved'),
        60_000,
      );
      expect(stall.field).toBe('stalledForSeconds');
      // The slots of the pause are judged once the processor has caught up: a few sweeps later, nothing.
      await sleep(40_000);
    } finally {
      await outside.stop();
    }
    // Every device kept sending through the pause (the stopped ones stay silent, already alerted): nothing new.
    const raised = (await silenceAlerts()).filter((a) => !before.has(a.alertId));
    const runtimeLog = await readFile(join(runtime.stateDir, 'logs', 'silence-sweep.log'), 'utf8').catch(
      () => '',
    );
    expect(raised, `outside sweep:\n${outsideLog.join('\n')}\nruntime sweep:\n${runtimeLog}`).toEqual([]);
    expect((await alerts()).filter((a) => a.ruleId === STALL_RULE_ID)).toHaveLength(1);
    await waitFor(
      'the stall notified, firing and resolved',
      async () => {
        const states = (await notifications())
          .filter((m) => m.attributes.ruleId === STALL_RULE_ID)
          .map((m) => m.attributes.state);
        return states.includes('firing') && states.includes('resolved') ? true : undefined;
      },
      45_000,
    );
  }, 300_000);
});
