import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#scripts/local/services/index.ts';
import { isPortOpen } from '#scripts/local/services/ports.ts';
import type { PublishedMessage } from '#scripts/local/stand-ins/sns.ts';
import { javaFor } from '#test/support/local-runtime.ts';

// The issue's "done when": `npm start -- --no-generator` in a child process, driven from outside like a user would.

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const children: ChildProcess[] = [];
let stateDir = '';

interface Runtime {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const startRuntime = (ports: { kafka: number; dynamodb: number; api: number }): Runtime => {
  let output = '';
  const child = spawn(
    TSX,
    [
      'scripts/local/start.ts',
      '--no-generator',
      '--state-dir',
      stateDir,
      '--kafka-port',
      String(ports.kafka),
      '--dynamodb-port',
      String(ports.dynamodb),
      '--api-port',
      String(ports.api),
    ],
    {
      // A changed rule reaches the processor within 1 s; the archive writes files every second.
      env: { ...process.env, RULES_CACHE_SECONDS: '1', FLEETSTREAM_ARCHIVE_FLUSH_MS: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  children.push(child);
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  runtime?: Runtime,
) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (runtime && runtime.child.exitCode !== null) {
      throw new Error(
        `npm start exited (${runtime.child.exitCode}) while waiting for ${what}:\n${runtime.output()}`,
      );
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${runtime ? `:\n${runtime.output()}` : ''}`);
};

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const stopRuntime = async (runtime: Runtime) => {
  runtime.child.kill('SIGINT');
  const code = await Promise.race([
    runtime.exited,
    new Promise<'hung'>((r) => setTimeout(() => r('hung'), 90_000)),
  ]);
  return code;
};

afterAll(async () => {
  // Only if a test failed half-way: take down what this file started, by process group and by state folder.
  for (const child of children) {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  }
  if (stateDir !== '') {
    for (const pid of javaFor(stateDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await rm(stateDir, { recursive: true, force: true });
  }
});

/** Every line of every file under `dir` (plain newline-delimited files, as the dead-letter stream writes them). */
const readLines = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const lines: string[] = [];
  for (const entry of entries.filter((e) => e.isFile())) {
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    lines.push(...text.split('\n').filter((l) => l !== ''));
  }
  return lines;
};

const readArchive = async (dir: string): Promise<{ lines: string[]; paths: string[] }> => {
  const paths: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.gz')) paths.push(path);
    }
  };
  await walk(dir);
  const lines: string[] = [];
  for (const path of paths) {
    const text = gunzipSync(await readFile(path)).toString('utf8');
    lines.push(...text.split('\n').filter((l) => l !== ''));
  }
  return { lines, paths };
};

describe('npm start -- --no-generator', () => {
  it('comes up, serves produced records with correct aggregates, fires one alert per transition, archives every record, stops clean', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'fleetstream-start-'));
    const ports = { kafka: await freePort(), dynamodb: await freePort(), api: await freePort() };
    const api = `http://127.0.0.1:${ports.api}`;
    const runtime = startRuntime(ports);

    await waitFor(
      'GET /health',
      async () => ((await fetch(`${api}/health`)).ok ? true : undefined),
      240_000,
      runtime,
    );
    // The API answers as soon as its step ran; the banner follows once the later steps (generator, sweep timer,
    // compaction) are up, so it is awaited rather than expected at the first answer.
    await waitFor(
      'the ready banner',
      async () => (runtime.output().includes(`FleetStream is ready — API ${api}`) ? true : undefined),
      60_000,
      runtime,
    );

    const kafka = new Kafka({ brokers: [`127.0.0.1:${ports.kafka}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const base = Date.now() - 60_000;
    const record = (deviceid: string, i: number, status: string, cpu: number, memory: number) =>
      JSON.stringify({
        deviceid,
        model: 'EVG2000',
        interface: 'eth4.1',
        interfacestatus: status,
        cpuusage: cpu,
        memoryusage: memory,
        event_time: new Date(base + i * 1000).toISOString(),
      });
    const produced: string[] = [];
    const send = async (values: Array<[string, string]>) => {
      await producer.send({
        topic: 'modem-telemetry',
        messages: values.map(([key, value]) => ({ key, value })),
      });
      produced.push(...values.map(([, value]) => value));
    };
    const tag = `it${Date.now() % 100000}`;
    const deviceA = `${tag}-a`;
    const deviceB = `${tag}-b`;
    await send([
      [deviceA, record(deviceA, 0, 'connected', 10, 100)],
      [deviceA, record(deviceA, 1, 'connected', 20, 200)],
      [deviceA, record(deviceA, 2, 'connected', 33, 400)],
      [deviceB, record(deviceB, 0, 'connected', 50, 1000)],
    ]);

    const deviceView = await waitFor(
      `${deviceA} with 3 records`,
      async () => {
        const { status, body } = await getJson(`${api}/devices/${deviceA}`);
        return status === 200 && body.recordCount === 3 ? body : undefined;
      },
      60_000,
      runtime,
    );
    expect(deviceView).toMatchObject({
      deviceId: deviceA,
      status: 'connected',
      cpuUsage: 33,
      memoryUsage: 400,
      downCount: 0,
      cpu: { min: 10, max: 33, avg: 21 },
      memory: { min: 100, max: 400, avg: 233.33 },
      interfaces: ['eth4.1'],
      activeAlerts: [],
    });

    const rule = {
      when: { field: 'interfacestatus', op: '==', value: 'down' },
      models: ['EVG2000'],
      severity: 'critical',
    };
    const put = await fetch(`${api}/rules/${tag}-down`, { method: 'PUT', body: JSON.stringify(rule) });
    expect(put.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500)); // the processor's rules cache lives 1 s here

    // A down transition, then more down records (edge-triggered: still one alert), then recovery.
    await send([
      [deviceB, record(deviceB, 1, 'down', 60, 1000)],
      [deviceB, record(deviceB, 2, 'down', 70, 1000)],
      [deviceB, record(deviceB, 3, 'down', 80, 1000)],
    ]);
    await send([[deviceB, record(deviceB, 4, 'connected', 40, 1000)]]);

    const alertsForRule = async () => {
      const { body } = await getJson(`${api}/alerts?deviceId=${deviceB}`);
      return (body.items as Array<{ ruleId: string }>).filter((a) => a.ruleId === `${tag}-down`);
    };
    await waitFor(
      'the alert in GET /alerts',
      async () => ((await alertsForRule()).length > 0 ? true : undefined),
      60_000,
      runtime,
    );
    const alertsFile = join(stateDir, 'alerts.jsonl');
    const notifiedForRule = async () =>
      (await readFile(alertsFile, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as PublishedMessage)
        .filter((m) => m.attributes.ruleId === `${tag}-down`);
    // The down transition is notified firing; the recovery resolves the episode and is notified too.
    const inState = (messages: PublishedMessage[], state: string) =>
      messages.filter((m) => m.attributes.state === state);
    await waitFor(
      'the firing and resolved notifications in alerts.jsonl',
      async () => {
        const messages = await notifiedForRule();
        return inState(messages, 'firing').length > 0 && inState(messages, 'resolved').length > 0
          ? true
          : undefined;
      },
      30_000,
      runtime,
    );
    await waitFor(
      `${deviceB} with 5 records`,
      async () => ((await getJson(`${api}/devices/${deviceB}`)).body.recordCount === 5 ? true : undefined),
      60_000,
      runtime,
    );
    await new Promise((r) => setTimeout(r, 1_500)); // room for a duplicate to show up, if there were one
    const viaApi = await alertsForRule();
    const viaNotifier = await notifiedForRule();
    expect(viaApi).toHaveLength(1);
    expect(viaApi[0]).toMatchObject({ state: 'resolved' });
    expect(viaNotifier).toHaveLength(2);
    const [firing] = inState(viaNotifier, 'firing');
    expect(inState(viaNotifier, 'resolved')).toHaveLength(1);
    // What SNS received from the notifier's deployed bundle: attributes for filter policies, the alert id in the text.
    expect(firing).toMatchObject({
      subject: `[CRITICAL] ${tag}-down on ${deviceB} (EVG2000)`,
      attributes: { deviceId: deviceB, ruleId: `${tag}-down`, severity: 'critical', model: 'EVG2000' },
    });
    expect(firing?.message).toContain(`Alert ${(viaApi[0] as unknown as { alertId: string }).alertId}`);
    expect(runtime.output()).toContain(`ALERT [CRITICAL] ${tag}-down on ${deviceB} (EVG2000)`);

    const fleet = (await getJson(`${api}/fleet`)).body;
    expect(fleet).toMatchObject({
      devices: 2,
      records: 8,
      byModel: { EVG2000: { devices: 2, records: 8, down: 0 } },
    });

    // A bad record leaves the processor bundle through its Firehose client (AWS_ENDPOINT_URL_FIREHOSE) and lands in
    // the lake's dead-letter/ folder with its offset and original bytes.
    await send([[deviceA, '{"deviceid": "not json']]);
    const deadLetters = await waitFor(
      'the bad record in dead-letter/',
      async () => {
        const lines = await readLines(join(stateDir, 'datalake', 'dead-letter'));
        return lines.length > 0 ? lines : undefined;
      },
      60_000,
      runtime,
    );
    expect(deadLetters.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        topic: 'modem-telemetry',
        key: Buffer.from(deviceA).toString('base64'),
        value: Buffer.from('{"deviceid": "not json').toString('base64'),
        offset: expect.any(Number),
      }),
    ]);
    // The functions log as in CloudWatch: the processor bundle's own powertools lines, per function.
    expect(await readFile(join(stateDir, 'logs', 'state-processor.log'), 'utf8')).toContain(
      '"batch processed"',
    );
    await producer.disconnect();

    expect(await stopRuntime(runtime)).toBe(0);
    expect(runtime.output()).toContain('stopped.');
    for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port}`).toBe(false);
    expect(javaFor(stateDir)).toEqual([]);

    const archive = await readArchive(join(stateDir, 'datalake', 'raw'));
    expect([...archive.lines].sort()).toEqual([...produced].sort());
    for (const path of archive.paths)
      expect(path).toMatch(/raw\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/[^/]+\.gz$/);

    // A second start reuses the state folder: data is still there and nothing is notified twice.
    const again = startRuntime(ports);
    await waitFor(
      'GET /health after restart',
      async () => ((await fetch(`${api}/health`)).ok ? true : undefined),
      240_000,
      again,
    );
    const restored = await getJson(`${api}/devices/${deviceA}`);
    expect(restored.body).toMatchObject({ recordCount: 3, cpu: { min: 10, max: 33, avg: 21 } });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await notifiedForRule()).toEqual(viaNotifier);
    expect(again.output()).not.toContain('ALERT ');
    expect(await stopRuntime(again)).toBe(0);
    for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port}`).toBe(false);
    expect(javaFor(stateDir)).toEqual([]);
  });
});
