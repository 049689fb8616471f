/**
 * The golden recording (issue 20): a fixed, deterministic corpus run through the real state processor against a fresh
 * DynamoDB Local with a fixed clock, then every table's items (sorted, canonical JSON), the dead-letter lines and the
 * lookup API's answers to a fixed list of requests. Recorded before a restructuring and after it, the two files must be
 * byte-identical.
 *
 *   npm run golden -- --out golden.json [--cache <dir>]
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { silentLog } from '#core/log.ts';
import { createTelemetryStream, steppedClock } from '#lambda/generator/telemetry.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { DEFAULT_RULES, seedRegistry, seedRules } from '#scripts/local/seed.ts';
import { startDynamoDb } from '#scripts/local/services/dynamodb.ts';
import { freePort, REPO_LOCAL_DIR } from '#scripts/local/services/index.ts';
import { ensureJars } from '#scripts/local/services/maven.ts';
import { createTables, localTableNames, type TableNames } from '#scripts/local/tables.ts';
import { eventTimeAt, telemetryValue } from './telemetry-records.ts';

const START_MS = Date.parse('2026-11-21T10:00:00Z');
/** The processor's and the API's clock: after every event time of the corpus, within the retention. */
const NOW_MS = START_MS + 15 * 60_000;
const TOPIC = 'modem-telemetry';
const PARTITIONS = 3;
const BATCH = 700;
const REGISTRY_CSV = new URL('../fixtures/registry.csv', import.meta.url).pathname;

interface Produced {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
}

/** Hash of a key to a partition, fixed (not Kafka's murmur2: only stability matters here). */
const partitionOf = (key: string): number => {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % PARTITIONS;
};

/**
 * The corpus: the bench's wide workload shape (seeded generator, many devices, a few records each, 5 % bad and 10 %
 * legacy-format records) plus a hot handful of devices over several minutes (windows close), then hand-built edge
 * records: a late record into a closed minute, a duplicate, a future event time, a value that is not JSON.
 */
const corpus = (): Produced[] => {
  const offsets = new Array<number>(PARTITIONS).fill(0);
  const out: Produced[] = [];
  const add = (key: string | null, value: Buffer, partition = partitionOf(key ?? '')) => {
    const timestampMs = START_MS + out.length * 100;
    const offset = offsets[partition] ?? 0;
    offsets[partition] = offset + 1;
    out.push({
      topic: TOPIC,
      partition,
      offset,
      timestampMs,
      key: key === null ? null : Buffer.from(key),
      value,
    });
  };
  const wide = createTelemetryStream({
    devices: 600,
    seed: 'fleetstream-bench',
    badRatio: 0.05,
    legacyRatio: 0.1,
    clock: steppedClock(START_MS, 97),
  });
  for (let i = 0; i < 3_000; i += 1) {
    const m = wide.next().value;
    add(m.key, m.value);
  }
  for (let i = 0; i < 600; i += 1) {
    const deviceid = `hot-${i % 4}`;
    const fields = {
      deviceid,
      model: i % 4 === 3 ? 'DG3450' : 'EVG2000',
      interfacestatus: i % 7 === 0 ? 'down' : 'up',
      cpuusage: (i * 37) % 101,
      memoryusage: 800 + ((i * 53) % 1200),
      event_time: eventTimeAt(START_MS, i),
    };
    add(deviceid, telemetryValue(fields));
  }
  const late = telemetryValue({
    deviceid: 'edge-1',
    interfacestatus: 'down',
    event_time: eventTimeAt(START_MS, 60),
  });
  add(
    'edge-1',
    telemetryValue({ deviceid: 'edge-1', cpuusage: 95, event_time: eventTimeAt(START_MS, 400) }),
    0,
  );
  add('edge-1', late, 0);
  add('edge-1', late, 0);
  add('edge-1', telemetryValue({ deviceid: 'edge-1', event_time: eventTimeAt(NOW_MS, 3_600) }), 0);
  add('edge-2', Buffer.from('{"deviceid":"edge-2",'), 1);
  add(
    'edge-2',
    telemetryValue({ deviceid: 'edge-2', memoryusage: 1950, event_time: eventTimeAt(START_MS, 30) }),
    1,
  );
  return out;
};

/** An MSK event of these records (built here so the recording does not depend on test fixtures that move). */
const mskEvent = (records: readonly Produced[]) => {
  const groups: Record<string, unknown[]> = {};
  for (const r of records) {
    const group = `${r.topic}-${r.partition}`;
    groups[group] ??= [];
    groups[group].push({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestampMs,
      timestampType: 'CREATE_TIME',
      ...(r.key ? { key: r.key.toString('base64') } : {}),
      value: r.value.toString('base64'),
      headers: [],
    });
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/local/local',
    bootstrapServers: '127.0.0.1:9092',
    records: groups,
  };
};

/** Batches as an event source mapping would cut them, then the first batch redelivered (a rewind). */
const batches = (records: readonly Produced[]): Produced[][] => {
  const out: Produced[][] = [];
  for (let i = 0; i < records.length; i += BATCH) out.push(records.slice(i, i + BATCH));
  const first = out[0];
  if (first) out.push(first);
  return out;
};

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v instanceof Set
        ? [...v].sort()
        : v,
  );

const scanAll = async (client: DynamoDBClient, table: string): Promise<string[]> => {
  const items: string[] = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }),
    );
    for (const item of out.Items ?? []) items.push(canonicalJson(unmarshall(item)));
    ExclusiveStartKey = out.LastEvaluatedKey as Record<string, never> | undefined;
  } while (ExclusiveStartKey);
  return items.sort();
};

const deadLetterLines = async (dir: string): Promise<string[]> => {
  const root = join(dir, 'dead-letter');
  const files = (await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])).filter((f) =>
    f.isFile(),
  );
  const texts = await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
  return texts
    .flatMap((t) => t.split('\n'))
    .filter(Boolean)
    .map((line) => canonicalJson(JSON.parse(line)))
    .sort();
};

const apiEvent = (method: string, path: string, body?: unknown): APIGatewayProxyEvent => {
  const url = new URL(path, 'http://golden');
  const query = [...url.searchParams.entries()];
  return {
    httpMethod: method,
    path: url.pathname,
    resource: '/{proxy+}',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: query.length > 0 ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters:
      query.length > 0 ? Object.fromEntries(query.map(([k, v]) => [k, [v]])) : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'golden' } as never,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
  };
};

const FIXED_REQUESTS: readonly [string, string, unknown?][] = [
  ['GET', '/health'],
  ['GET', '/fleet'],
  ['GET', '/rules'],
  ['GET', '/devices?limit=25'],
  ['GET', '/devices?status=down&limit=10'],
  ['GET', '/devices?model=EVG2000&limit=10'],
  ['GET', '/devices?model=EVG2000&status=connected&limit=5'],
  ['GET', '/devices/dvc0001'],
  ['GET', '/devices/dvc0002'],
  ['GET', '/devices/dvc0042'],
  ['GET', '/devices/hot-1'],
  ['GET', '/devices/edge-1'],
  ['GET', '/devices/edge-2'],
  ['GET', '/devices/nope'],
  ['GET', '/devices/dvc0001/windows'],
  ['GET', '/devices/hot-1/windows'],
  ['GET', '/devices/hot-2/windows?from=2026-11-21T10:02Z&to=2026-11-21T10:09Z'],
  ['GET', '/devices/edge-1/windows?from=2026-11-21T10:00Z&to=2026-11-21T10:10Z'],
  ['GET', '/alerts?limit=20'],
  ['GET', '/alerts?deviceId=edge-1'],
  ['GET', '/alerts?deviceId=hot-3&limit=5'],
  ['GET', '/alerts?since=2026-11-21T10:05:00Z&limit=10'],
  ['PUT', '/rules/golden-rule', { when: { field: 'cpuusage', op: '>=', value: 99 }, severity: 'warning' }],
  ['GET', '/rules'],
  ['DELETE', '/rules/golden-rule'],
  ['GET', '/devices?limit=bad'],
  ['GET', '/devices?colour=red'],
  ['POST', '/devices'],
];

type Api = ReturnType<typeof createLookupApi>;

const answer = async (api: Api, method: string, path: string, body?: unknown) => {
  const reply = await api(apiEvent(method, path, body));
  return { request: `${method} ${path}`, status: reply.statusCode, body: JSON.parse(reply.body || 'null') };
};

/** Every page of a listing, following the cursor. */
const pages = async (api: Api, path: string) => {
  const out = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const reply = await answer(
      api,
      'GET',
      cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path,
    );
    out.push(reply);
    cursor = reply.status === 200 ? (reply.body?.cursor ?? reply.body?.nextCursor) : undefined;
  } while (cursor && out.length < 200);
  return out;
};

const answers = async (api: Api) => {
  const out = [];
  for (const [method, path, body] of FIXED_REQUESTS) out.push(await answer(api, method, path, body));
  out.push(...(await pages(api, '/devices?limit=50')));
  out.push(...(await pages(api, '/devices?status=down&limit=7')));
  return out;
};

/** Runs the corpus against a DynamoDB Local at `endpoint` (tables under `prefix`) and returns the recording. */
export const recordGolden = async (endpoint: string, prefix = 'golden') => {
  const names: TableNames = localTableNames(prefix);
  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTables(raw, names);
  const db = createDocumentClient(endpoint);
  await seedRules(db, names.rules, DEFAULT_RULES, START_MS);
  await seedRegistry(db, names.registry, REGISTRY_CSV);
  const lake = await mkdtemp(join(tmpdir(), 'fleetstream-golden-'));
  try {
    const processor = createLocalStateProcessor({
      dynamodbEndpoint: endpoint,
      tables: names,
      datalakeDir: lake,
      clock: () => NOW_MS,
      maxEventTimeSkewSeconds: 300,
      // The caches expire by wall-clock time: an hour outlasts the run, so their reads are the same every time.
      rulesCacheSeconds: 3_600,
      registryCacheSeconds: 3_600,
    });
    const summaries = [];
    for (const batch of batches(corpus())) summaries.push(await processor.process(mskEvent(batch)));
    const api = createLookupApi({ db, tables: names, now: () => NOW_MS }, silentLog);
    const apiAnswers = await answers(api);
    const tables: Record<string, string[]> = {};
    for (const [id, table] of Object.entries(names)) tables[id] = await scanAll(raw, table);
    return {
      summaries: summaries.map((s) => JSON.parse(canonicalJson(s))),
      metrics: JSON.parse(canonicalJson(processor.metrics.totals)),
      dynamodb: JSON.parse(canonicalJson(processor.counters)),
      tables,
      deadLetters: await deadLetterLines(lake),
      api: apiAnswers.map((a) => JSON.parse(canonicalJson(a))),
    };
  } finally {
    await rm(lake, { recursive: true, force: true });
  }
};

const main = async () => {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, cache: { type: 'string' } },
  });
  if (!values.out) {
    console.error('usage: npm run golden -- --out <file.json> [--cache <maven cache dir>]');
    process.exit(2);
  }
  const cacheDir = values.cache ?? join(REPO_LOCAL_DIR, 'cache');
  const dir = await mkdtemp(join(tmpdir(), 'fleetstream-golden-ddb-'));
  const port = await freePort();
  const service = await startDynamoDb({
    dir,
    libDir: await ensureJars('dynamodb', cacheDir, console.error),
    port,
  }).catch(async (error) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  try {
    const recording = await recordGolden(`http://127.0.0.1:${port}`);
    await writeFile(values.out, `${JSON.stringify(recording, null, 1)}\n`);
    console.error(`golden recording written to ${values.out}`);
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await main();
