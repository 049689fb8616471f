/**
 * POST /ingest over real HTTP (the local API server) into a real Kafka topic and, through the local event-source
 * poller, the processor on DynamoDB Local: posted batches fold exactly, a retried Idempotency-Key folds once, refused
 * requests write nothing, bad records inside a good batch reach dead-letter with their offsets, and nothing a client
 * sends gets a 500.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { INGEST_MAX_BYTES, INGEST_MAX_RECORDS } from '#core/contract/index.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { silentLog } from '#core/log.ts';
import { runGenerator } from '#lambda/generator/run.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { httpProducer, ingestUrl } from '#scripts/generator/http-producer.ts';
import { type LocalIngest, startLocalIngest, withIngestRoute } from '#scripts/local/ingest-route.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { type ApiServer, startApiServer } from '#scripts/shared/api-gateway-http.ts';
import { countRecords, createTestTopic, pollUntilHandled, readAll } from '#test/support/kafka.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { loadOpenApi } from '#test/support/openapi.ts';
import { deadLetters, scanTable } from './support.ts';

const endpoint = inject('dynamodbEndpoint');
const brokers = inject('brokers');
const NOW = Date.parse('2026-11-21T10:00:00Z');

let server: ApiServer;
let ingest: LocalIngest;
let topic: string;
const failures: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  topic = await createTestTopic(brokers, 'ingest-telemetry', 3);
  ingest = await startLocalIngest({
    brokers,
    topic,
    dynamodbEndpoint: endpoint,
    table: uniquePrefix('idempotency'),
    log: { ...silentLog, error: (message: string) => failures.push(message) },
  });
  const notFound = async () => ({ statusCode: 404, body: '{"error":"not found"}' });
  server = await startApiServer(withIngestRoute(ingest.handler, notFound), { port: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await ingest?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const openApi = loadOpenApi();
/** Every answer checked against docs/openapi.json. */
const nonConforming: string[] = [];

const post = async (body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}/ingest`, { method: 'POST', body, headers });
  const json = (await response.json()) as Record<string, unknown>;
  nonConforming.push(...openApi.check('POST', '/ingest', response.status, json));
  return { status: response.status, json, headers: response.headers };
};

const record = (deviceid: string, second: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    deviceid,
    model: 'EVG2000',
    interface: 'eth0',
    interfacestatus: 'up',
    cpuusage: 10,
    memoryusage: 100,
    event_time: new Date(NOW - 600_000 + second * 1000).toISOString(),
    ...extra,
  });

describe('POST /ingest on the local runtime', () => {
  it('folds posted batches exactly, once per Idempotency-Key; refused requests write nothing; bad records dead-letter', async () => {
    const good1 = Array.from({ length: 40 }, (_, i) => record(`dvc${i % 7}`, i));
    const good2 = Array.from({ length: 25 }, (_, i) => record(`dvc${i % 5}`, 100 + i));
    // A good batch (JSON objects) carrying records the processor refuses: out of range, a field missing, a string.
    const bad = [
      record('dvc1', 200, { cpuusage: 500 }),
      JSON.stringify({ deviceid: 'dvc2', model: 'EVG2000' }),
      record('dvc3', 201, { memoryusage: 'lots' }),
    ];
    const mixed = [record('dvc1', 300), ...bad, record('dvc4', 301)];

    expect((await post(`[${good1.join(',\n')}]`)).status).toBe(200);
    const first = await post(good2.join('\n'), { 'Idempotency-Key': 'batch-2' });
    const retry = await post(good2.join('\n'), { 'Idempotency-Key': 'batch-2' });
    expect(first).toMatchObject({ status: 200, json: { accepted: 25 } });
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await post(`[${mixed.join(',')}]`)).json).toEqual({ accepted: mixed.length });

    // Refused whole: nothing of them may reach the topic.
    const malformed = await post(`[${record('dvcX', 1)}, 42]`);
    expect(malformed).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/record 2 is not a JSON object/) },
    });
    expect((await post(`${record('dvcX', 1)}\n{broken`)).status).toBe(400);
    const tooMany = Array.from({ length: INGEST_MAX_RECORDS + 1 }, (_, i) => record('dvcX', i));
    expect((await post(tooMany.join('\n'))).status).toBe(413);
    expect((await post(record('dvcX', 1, { pad: 'x'.repeat(INGEST_MAX_BYTES) }))).status).toBe(413);

    const accepted = [...good1, ...good2, ...mixed];
    expect(await countRecords(brokers, topic)).toBe(accepted.length);
    const messages = await readAll(brokers, topic, accepted.length);
    // Unchanged: the bytes as posted, keyed by device id.
    expect(messages.map((m) => m.value?.toString('utf8')).sort()).toEqual([...accepted].sort());
    for (const m of messages)
      expect(m.key?.toString('utf8')).toBe((JSON.parse(String(m.value)) as { deviceid: string }).deviceid);

    const names = localTableNames(uniquePrefix('ingest'));
    await createTables(localDynamoDb(endpoint), names);
    const datalakeDir = await mkdtemp(join(tmpdir(), 'fleetstream-ingest-'));
    dirs.push(datalakeDir);
    const processor = createLocalStateProcessor({
      dynamodbEndpoint: endpoint,
      tables: names,
      datalakeDir,
      clock: () => NOW,
    });
    const handled = await pollUntilHandled(
      {
        brokers,
        topic,
        groupId: `${topic}-group`,
        handler: processor.handler,
        batchSize: 50,
        maxBatchingWindowMs: 100,
      },
      accepted.length,
      90_000,
    );
    expect(handled).toBe(accepted.length);

    const folded = [...good1, ...good2, mixed[0], mixed[mixed.length - 1]].map(
      (v) => (JSON.parse(String(v)) as { deviceid: string }).deviceid,
    );
    const expected = new Map<string, number>();
    for (const id of folded) expected.set(id, (expected.get(id) ?? 0) + 1);
    const devices = (await scanTable(endpoint, names.state)).filter(
      (i) => i.sk === 'STATE',
    ) as unknown as DeviceItem[];
    expect(new Map(devices.map((d) => [d.deviceId, d.recordCount]))).toEqual(expected);

    const badAt = messages
      .filter((m) => bad.includes(String(m.value)))
      .map((m) => `${m.partition}@${m.offset}`);
    const letters = await deadLetters(datalakeDir);
    expect(letters.map((l) => `${l.partition}@${l.offset}`).sort()).toEqual(badAt.sort());
    expect(letters.map((l) => Buffer.from(l.value, 'base64').toString('utf8')).sort()).toEqual(
      [...bad].sort(),
    );
    expect(failures).toEqual([]);
    expect(nonConforming).toEqual([]);
  }, 150_000);

  it('never answers 500, and writes exactly the records it accepted, whatever a client sends', async () => {
    const before = await countRecords(brokers, topic);
    let accepted = 0;
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(fc.jsonValue(), { maxLength: 5 }).map((v) => JSON.stringify(v)),
      fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 }).map((v) => JSON.stringify(v)),
      fc
        .array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 })
        .map((v) => v.map((o) => JSON.stringify(o)).join('\n')),
    );
    const key = fc.option(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(body, key, fc.constantFrom('POST', 'PUT', 'GET'), async (b, k, method) => {
        const response = await fetch(`${server.url}/ingest`, {
          method,
          ...(method === 'GET' ? {} : { body: b }),
          headers: k === undefined ? {} : { 'idempotency-key': `${uniquePrefix('fuzz')}-${k}` },
        });
        const json = (await response.json()) as { accepted?: number; error?: string };
        expect(response.status).toBeLessThan(500);
        if (method === 'POST') expect(openApi.check('POST', '/ingest', response.status, json)).toEqual([]);
        if (response.status === 200) accepted += json.accepted ?? 0;
        else expect(typeof json.error).toBe('string');
      }),
      { numRuns: 150 },
    );
    expect(await countRecords(brokers, topic)).toBe(before + accepted);
    expect(failures).toEqual([]);
  }, 120_000);

  it('carries the generator: npm run generate -- --http <url> produces every record through the route', async () => {
    const before = await countRecords(brokers, topic);
    const latencies: number[] = [];
    const producer = httpProducer({ url: ingestUrl(server.url), onRequest: (ms) => latencies.push(ms) });
    const summary = await runGenerator(producer, {
      topic,
      devices: 50,
      count: 1_200,
      rate: 0,
      seed: 'http',
      batch: 500,
    });
    expect(summary).toMatchObject({ sent: 1_200, errors: 0 });
    expect(latencies).toHaveLength(3);
    expect(await countRecords(brokers, topic)).toBe(before + 1_200);
  }, 60_000);
});
