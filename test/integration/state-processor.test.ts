import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import { PRESENCE_PREFIX } from '#core/items/presence.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { StateStore } from '#core/ports.ts';
import { decodeRecord } from '#core/record.ts';
import type { Rule } from '#core/rules.ts';
import { windowsInRange } from '#core/window/read.ts';
import { createTelemetryStream, steppedClock } from '#lambda/generator/telemetry.ts';
import { createLocalStateProcessor, type LocalStateProcessorOptions } from '#lambda/state-processor/local.ts';
import { createTables, localTableNames, type TableNames } from '#scripts/local/tables.ts';
import { deadLetters, scanTable } from '#test/support/integration.ts';
import { pollUntilHandled } from '#test/support/kafka.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { readerView } from '#test/support/reader-view.ts';

const endpoint = inject('dynamodbEndpoint');
const brokers = inject('brokers');
const START_MS = Date.parse('2026-11-21T10:00:00Z');
const FAST_BACKOFF = { baseMs: 1, maxMs: 20, attempts: 12 };
const downRule: Rule = {
  ruleId: 'modem-down',
  when: { field: 'interfacestatus', op: '==', value: 'down' },
  severity: 'critical',
  enabled: true,
};

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const docClient = (raw = localDynamoDb(endpoint)) =>
  DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

const setup = async (name: string, rules: Rule[] = [downRule]) => {
  const names = localTableNames(uniquePrefix(name));
  await createTables(localDynamoDb(endpoint), names);
  const client = docClient();
  for (const rule of rules) await client.send(new PutCommand({ TableName: names.rules, Item: rule }));
  const datalakeDir = await mkdtemp(join(tmpdir(), `fleetstream-${name}-`));
  dirs.push(datalakeDir);
  return { names, datalakeDir };
};

const processorFor = (
  env: { names: TableNames; datalakeDir: string },
  extra: Partial<LocalStateProcessorOptions> = {},
) =>
  createLocalStateProcessor({
    dynamodbEndpoint: endpoint,
    tables: env.names,
    datalakeDir: env.datalakeDir,
    backoff: FAST_BACKOFF,
    clock: () => START_MS,
    ...extra,
  });

/** Every item of a table, without `version` (it counts writes, which differ between equivalent histories). */
const scan = async (table: string) =>
  (await scanTable(endpoint, table))
    .filter((item) => !String(item.pk).startsWith('NEWDEV#')) // new-device cap bookkeeping (by batch boundaries)
    // The presence index is keyed by batch boundaries too; its invariant has its own test (write-plan/presence-step).
    .filter((item) => !String(item.pk).startsWith(PRESENCE_PREFIX))
    .map(({ version: _version, ...rest }) => rest)
    .sort((a, b) =>
      JSON.stringify([a.pk ?? a.deviceId, a.sk ?? a.alertKey]).localeCompare(
        JSON.stringify([b.pk ?? b.deviceId, b.sk ?? b.alertKey]),
      ),
    );

interface Produced {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer;
  bad: boolean;
}

/** A seeded telemetry stream laid out over partitions as Kafka would (keyed: by device; unkeyed: round robin). */
const layOut = (
  count: number,
  options: { devices: number; partitions: number; keyed: boolean; badRatio?: number; stepMs?: number },
) => {
  const stream = createTelemetryStream({
    devices: options.devices,
    seed: 11,
    badRatio: options.badRatio ?? 0,
    legacyRatio: 0.3,
    clock: steppedClock(START_MS, options.stepMs ?? 100),
  });
  const offsets = Array.from({ length: options.partitions }, () => 0);
  const out: Produced[] = [];
  for (let i = 0; i < count; i++) {
    const message = stream.next().value;
    const partition = options.keyed
      ? Number(message.key.replace(/\D/g, '')) % options.partitions
      : i % options.partitions;
    const offset = offsets[partition] ?? 0;
    offsets[partition] = offset + 1;
    out.push({
      topic: 'modem-telemetry',
      partition,
      offset,
      key: options.keyed ? Buffer.from(message.key) : null,
      value: message.value,
      bad: message.bad,
    });
  }
  return out;
};

/** The expected device items, computed the obvious way from what was produced. */
const reference = (produced: Produced[]) => {
  const devices = new Map<string, { records: Produced[]; latest: Produced; latestMs: number }>();
  for (const p of produced) {
    const decoded = decodeRecord(p.value);
    if (!decoded.ok) continue;
    const ms = decoded.record.eventTimeMs;
    const entry = devices.get(decoded.record.deviceId);
    if (!entry) devices.set(decoded.record.deviceId, { records: [p], latest: p, latestMs: ms });
    else {
      entry.records.push(p);
      const newer =
        ms > entry.latestMs ||
        (ms === entry.latestMs &&
          (p.partition > entry.latest.partition ||
            (p.partition === entry.latest.partition && p.offset > entry.latest.offset)));
      if (newer) Object.assign(entry, { latest: p, latestMs: ms });
    }
  }
  return [...devices].map(([deviceId, { records, latest }]) => {
    const values = records.map((r) => JSON.parse(r.value.toString()));
    const cpu = values.map((v) => Number(v.cpuusage));
    const memory = values.map((v) => Number(v.memoryusage));
    const state = JSON.parse(latest.value.toString());
    return {
      deviceId,
      status: state.interfacestatus,
      model: state.model,
      interface: state.interface,
      cpuUsage: Number(state.cpuusage),
      recordCount: records.length,
      downCount: values.filter((v) => v.interfacestatus === 'down').length,
      cpuMin: Math.min(...cpu),
      cpuMax: Math.max(...cpu),
      cpuSum: cpu.reduce((a, b) => a + b, 0),
      memoryMax: Math.max(...memory),
      memorySum: memory.reduce((a, b) => a + b, 0),
      interfaces: [...new Set(values.map((v) => v.interface as string))].sort(),
    };
  });
};

const deviceItems = async (table: string) =>
  (await scan(table)).filter((i) => i.sk === 'STATE') as unknown as DeviceItem[];

const pick = (item: DeviceItem) => ({
  deviceId: item.deviceId,
  status: item.status,
  model: item.model,
  interface: item.interface,
  cpuUsage: item.cpuUsage,
  recordCount: item.recordCount,
  downCount: item.downCount,
  cpuMin: item.cpuMin,
  cpuMax: item.cpuMax,
  cpuSum: item.cpuSum,
  memoryMax: item.memoryMax,
  memorySum: item.memorySum,
  interfaces: item.interfaces,
});

const byId = <T extends { deviceId: string }>(list: T[]) =>
  [...list].sort((a, b) => a.deviceId.localeCompare(b.deviceId));

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('state processor on DynamoDB Local', () => {
  it('turns a real Kafka stream (via the local poller) into device items matching a reference; bad records dead-lettered', async () => {
    const env = await setup('sp-kafka');
    const topic = uniquePrefix('sp-telemetry');
    const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const messages = layOut(600, { devices: 20, partitions: 3, keyed: true, badRatio: 0.05 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: messages.map((m) => ({ key: m.key, value: m.value, partition: m.partition })),
    });
    await producer.disconnect();

    const processor = processorFor(env);
    const handled = await pollUntilHandled(
      {
        brokers,
        topic,
        groupId: `${topic}-group`,
        handler: processor.handler,
        batchSize: 100,
        maxBatchingWindowMs: 100,
      },
      messages.length,
      60_000,
    );
    expect(handled).toBe(messages.length);

    const produced = messages.map((m) => ({ ...m, topic }));
    expect(byId((await deviceItems(env.names.state)).map(pick))).toEqual(byId(reference(produced)));
    const letters = await deadLetters(env.datalakeDir);
    const bad = produced.filter((m) => m.bad);
    expect(bad.length).toBeGreaterThan(10);
    expect(letters.map((l) => `${l.partition}@${l.offset}`).sort()).toEqual(
      bad.map((m) => `${m.partition}@${m.offset}`).sort(),
    );
    for (const letter of letters) {
      const original = bad.find((m) => m.partition === letter.partition && m.offset === letter.offset);
      expect(letter.value).toBe(original?.value.toString('base64'));
      expect(letter.topic).toBe(topic);
      expect(letter.reason).toEqual(expect.any(String));
    }
  });

  it('ends with tables identical to a clean run despite crashes, lost acks, throttling and overlapping replays', async () => {
    const produced = layOut(900, { devices: 15, partitions: 3, keyed: true, badRatio: 0.03 });
    const clean = await setup('sp-clean');
    const cleanProcessor = processorFor(clean);
    for (let i = 0; i < produced.length; i += 300)
      await cleanProcessor.process(toMskEvent(produced.slice(i, i + 300)));

    const chaos = await setup('sp-chaos');
    const random = mulberry32(42);
    let faulty = true;
    const raw = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    let throttled = 0;
    // Rates sized for the few requests a batch makes (open windows ride in the device write): enough to fail
    // many batches part-way.
    raw.middlewareStack.add(
      (next) => async (args) => {
        if (faulty && random() < 0.2) {
          throttled += 1;
          throw Object.assign(new Error('Rate exceeded (injected)'), {
            name: 'ThrottlingException',
            $fault: 'client',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectThrottling' },
    );
    const crash = () => {
      if (faulty && random() < 0.08)
        throw Object.assign(new Error('injected crash'), { name: 'InjectedCrash' });
    };
    const wrapStore = (store: StateStore): StateStore => ({
      read: async (keys) => {
        crash();
        return store.read(keys);
      },
      put: async (write) => {
        crash();
        const ok = await store.put(write);
        crash(); // response lost after the write
        return ok;
      },
      transact: async (writes) => {
        crash();
        const conflicts = await store.transact(writes);
        crash();
        return conflicts;
      },
    });
    const processor = processorFor(chaos, { client: docClient(raw), wrapStore });
    const logs = [0, 1, 2].map((p) => produced.filter((m) => m.partition === p));
    const committed = [0, 0, 0];
    let failures = 0;
    for (let round = 0; committed.some((c, p) => c < (logs[p]?.length ?? 0)); round++) {
      if (round === 150) faulty = false;
      expect(round).toBeLessThan(1_000);
      const ends: number[] = [];
      const batch = logs.flatMap((log, p) => {
        const from = committed[p] ?? 0;
        const start = random() < 0.25 ? Math.max(0, from - Math.floor(random() * 20)) : from;
        ends[p] = Math.min(log.length, from + 1 + Math.floor(random() * 120));
        return log.slice(start, ends[p]);
      });
      try {
        await processor.process(toMskEvent(batch));
        ends.forEach((end, p) => {
          committed[p] = end;
        });
      } catch (error) {
        if (!['InjectedCrash', 'ThrottlingException'].includes((error as Error).name)) throw error;
        failures += 1;
      }
    }
    console.log(`[chaos] ${failures} batches failed part-way, ${throttled} requests throttled`);
    expect(failures).toBeGreaterThan(5);
    expect(throttled).toBeGreaterThan(20);
    expect(processor.counters.throttled).toBeGreaterThan(0);
    // As readers see them: the same minutes, counts and state, wherever each history left a closed minute.
    const asRead = async (table: string) => readerView((await scan(table)) as unknown as StateItem[]);
    expect(await asRead(chaos.names.state)).toEqual(await asRead(clean.names.state));
    expect(await scan(chaos.names.alerts)).toEqual(await scan(clean.names.alerts));
    expect((await scan(clean.names.alerts)).length).toBeGreaterThan(0);
    const positions = async (dir: string) =>
      [...new Set((await deadLetters(dir)).map((l) => `${l.partition}@${l.offset}`))].sort();
    expect(await positions(chaos.datalakeDir)).toEqual(await positions(clean.datalakeDir));
  });

  it('converges an unkeyed stream (each device spread over partitions, batches in any order) to the right state', async () => {
    const env = await setup('sp-unkeyed');
    const produced = layOut(600, { devices: 4, partitions: 3, keyed: false });
    const processor = processorFor(env);
    // Partitions are consumed independently: deliver partition 2 first, then 0 and 1 interleaved in small batches.
    const logs = [2, 0, 1].map((p) => produced.filter((m) => m.partition === p));
    await processor.process(toMskEvent(logs[0] ?? []));
    for (let i = 0; i < 200; i += 50)
      await processor.process(
        toMskEvent([...(logs[1] ?? []).slice(i, i + 50), ...(logs[2] ?? []).slice(i, i + 50)]),
      );
    expect(byId((await deviceItems(env.names.state)).map(pick))).toEqual(byId(reference(produced)));
    // Device counts: summed over the partitions' fleet items (one partition's may be negative).
    const partitions = (await scan(env.names.state)).filter((i) => String(i.sk).startsWith('RECORDS#'));
    expect(partitions.reduce((sum, s) => sum + Number(s.devices ?? 0), 0)).toBe(4);
  });

  it('hot workload (100 devices x 2,000 records, batches of 10,000): DynamoDB writes per 1,000 records', async () => {
    const env = await setup('sp-hot');
    // 1,000 records/s across the fleet: each batch covers 10 s, so about one window per device per batch.
    const produced = layOut(200_000, { devices: 100, partitions: 6, keyed: true, stepMs: 1 });
    const processor = processorFor(env);
    const started = performance.now();
    for (let i = 0; i < produced.length; i += 10_000)
      await processor.process(toMskEvent(produced.slice(i, i + 10_000)));
    const seconds = (performance.now() - started) / 1000;
    const per1k = (n: number) => Math.round((n / produced.length) * 1000 * 100) / 100;
    const c = processor.counters;
    console.log(
      `[hot] records=${produced.length} in ${seconds.toFixed(1)}s: item writes/1k=${per1k(c.itemsWritten)} ` +
        `write requests/1k=${per1k(c.writeRequests)} read requests/1k=${per1k(c.readRequests)} ` +
        `WCU/1k=${per1k(c.writeCapacityUnits)} (naive: 1000 writes/1k)`,
    );
    expect(processor.metrics.totals.RecordsProcessed).toBe(produced.length);
    expect(per1k(c.itemsWritten)).toBeLessThan(100);
    // Issue 6: at most 1/50 of the naive processor's 1,000 write requests per 1,000 records. The open minute
    // lives in the device item, so a window item is written only when its minute closes.
    expect(per1k(c.writeRequests)).toBeLessThanOrEqual(20);
    const items = await scan(env.names.state);
    const devices = items.filter((i) => i.sk === 'STATE') as unknown as DeviceItem[];
    expect(devices.reduce((sum, d) => sum + d.recordCount, 0)).toBe(produced.length);
    const windows = devices.flatMap((d) =>
      windowsInRange(
        items.filter((i) => i.pk === d.pk && String(i.sk).startsWith('WIN#')) as unknown as WindowItem[],
        d,
        { from: new Date(START_MS).toISOString(), to: new Date(START_MS + 3_600_000).toISOString() },
      ),
    );
    expect(windows.reduce((sum, w) => sum + w.count, 0)).toBe(produced.length);
  }, 600_000);

  it('loads the registry with npm run registry:load and joins it: a registry-filtered rule fires for the VIP only', async () => {
    const vipRule: Rule = {
      ruleId: 'vip-modem-down',
      when: { field: 'interfacestatus', op: '==', value: 'down' },
      registry: { tier: 'platinum' },
      severity: 'critical',
      enabled: true,
    };
    const env = await setup('sp-registry', [vipRule]);
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'scripts/load-registry.ts', ...args], { encoding: 'utf8' }).then(
        (out) => ({ code: 0, ...out }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const ok = await run([
      '--file',
      'test/fixtures/registry.csv',
      '--local',
      '--endpoint',
      endpoint,
      '--table',
      env.names.registry,
    ]);
    expect(ok.stdout).toContain('loaded 5 devices');
    expect(ok.code).toBe(0);
    expect((await run(['--bogus'])).code).toBe(2);
    const badFile = join(env.datalakeDir, 'bad.csv');
    await writeFile(badFile, 'deviceId,tier\n,gold\n');
    const bad = await run([
      '--file',
      badFile,
      '--local',
      '--endpoint',
      endpoint,
      '--table',
      env.names.registry,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2: missing deviceId');

    const processor = processorFor(env);
    const record = (deviceid: string, offset: number) => ({
      topic: 'modem-telemetry',
      partition: 0,
      offset,
      value: Buffer.from(
        JSON.stringify({
          deviceid,
          model: 'EVG2000',
          interface: 'eth0',
          interfacestatus: 'down',
          cpuusage: 1,
          memoryusage: 1,
          event_time: '2026-11-21 10:00:00',
        }),
      ),
    });
    await processor.process(toMskEvent([record('dvc0001', 0), record('dvc0002', 1)]));
    const alerts = await scan(env.names.alerts);
    expect(alerts).toEqual([
      expect.objectContaining({
        deviceId: 'dvc0001',
        ruleId: 'vip-modem-down',
        registry: expect.objectContaining({ tier: 'platinum', customer: 'Acme Corp' }),
      }),
    ]);
    const devices = await deviceItems(env.names.state);
    expect(devices.find((d) => d.deviceId === 'dvc0002')?.registry).toMatchObject({ tier: 'gold' });
  });
});
