/**
 * The record path under hostile input: arbitrary bytes, arbitrary JSON and hostile-but-valid records (prototype
 * names, 256-character strings, extreme numbers, deep nesting, unpaired surrogates, huge keys and values) go through
 * the real decode → plan → write path, with every item marshalled by the SDK's document marshaller and measured.
 * The processor never throws, every record is folded or dead-lettered, counts keyed by data stay exact, and every
 * item, transaction and dead-letter line stays within AWS's limits.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { deadLetterLine } from '#adapters/dead-letter-firehose.ts';
import { DynamoDbRegistryCache } from '#adapters/registry-cache.ts';
import { type Counts, nameOfStoredKey } from '#core/data-map.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import { silentLog } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { createStateProcessor } from '#lambda/state-processor/processor.ts';
import { PROTOTYPE_NAMES } from '#test/support/hostile-names.ts';
import {
  MAX_ITEM_BYTES,
  MAX_TRANSACTION_BYTES,
  MarshalledAlertSink,
  MarshalledStateStore,
} from '#test/support/marshalled-state.ts';
import { MemoryDeadLetterSink, MemoryMetrics, staticRules } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const FIREHOSE_RECORD_BYTES = 1000 * 1024;

// Registry rows as a table could hold them (the `constructor` one written by another tool than the SDK).
const REGISTRY_ROWS = new Map<string, Record<string, unknown>>([
  ['toString', { deviceId: 'toString', toString: 'x', hasOwnProperty: 'gold' }],
  ['valueOf', { deviceId: 'valueOf', tier: 'x'.repeat(5000) }],
  [
    '__proto__',
    { deviceId: '__proto__', ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`a${i}`, 'v'])) },
  ],
  [
    'constructor',
    unmarshall({ deviceId: { S: 'constructor' }, constructor: { S: 'x' }, tier: { S: 'gold' } }),
  ],
]);
const RULES: Rule[] = [
  {
    ruleId: 'down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
  {
    ruleId: 'proto-models',
    when: { field: 'cpuusage', op: '>', value: 50 },
    models: ['constructor', '__proto__', 'toString'],
    severity: 'warning',
    enabled: true,
  },
  {
    ruleId: 'registry-filter',
    when: { field: 'interfacestatus', op: '!=', value: 'connected' },
    registry: { toString: 'x' },
    severity: 'info',
    enabled: true,
  },
];

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddb.reset();
  ddb.on(BatchGetCommand).callsFake((input) => ({
    Responses: {
      registry: (input.RequestItems.registry.Keys as { deviceId: string }[]).flatMap((k) => {
        const row = REGISTRY_ROWS.get(k.deviceId);
        return row ? [row] : [];
      }),
    },
  }));
});

// --- generators -------------------------------------------------------------------------------------------------

const name = (maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
    { weight: 2, arbitrary: fc.constantFrom('eth0', 'down', 'connected', 'EVG2000') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength }) },
    { weight: 1, arbitrary: fc.string({ minLength: maxLength, maxLength, unit: 'grapheme-composite' }) },
    { weight: 1, arbitrary: fc.constant('€'.repeat(maxLength)) },
  );
const cpu = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.constantFrom(0, 100, 5e-324, 99.99999999999999, '1e2', ' 100 ', '.5', 100.0000001, -0, 1e16, -1),
  fc.double(),
);
const memory = fc.oneof(
  fc.double({ min: 0, max: 1_048_576, noNaN: true }),
  fc.constantFrom(0, 1_048_576, '1048576', 1e308, Number.MAX_SAFE_INTEGER),
);
const eventTime = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: T0 - 3_600_000, max: T0 + 4 * 60_000 })
      .map((ms) => new Date(ms).toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: T0 })
      .map((ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('2099-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z'),
  },
);
const record = fc.record({
  deviceid: name(128),
  model: name(256),
  interface: name(256),
  interfacestatus: name(256),
  cpuusage: cpu,
  memoryusage: memory,
  event_time: eventTime,
});
const text = (doc: unknown) => Buffer.from(JSON.stringify(doc));

type Input = { key: Buffer | null; value: Buffer };
const STRING_FIELDS = ['deviceid', 'model', 'interface', 'interfacestatus', 'event_time'] as const;
const ALL_FIELDS = [...STRING_FIELDS, 'cpuusage', 'memoryusage'] as const;

const hostile: fc.Arbitrary<Input> = fc.oneof(
  { weight: 6, arbitrary: record.map((r) => ({ key: Buffer.from(String(r.deviceid)), value: text(r) })) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({ key: null, value: Buffer.from(b) })),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((j) => ({ key: null, value: text(j) })) },
  {
    // Deep nesting in any field: 30,000 nested arrays overflowed the stack while the reason was written.
    weight: 1,
    arbitrary: fc
      .tuple(
        record,
        fc.constantFrom(...ALL_FIELDS),
        fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 5_000, max: 30_000 })),
        fc.boolean(),
      )
      .map(([r, field, depth, arrays]) => {
        const nested = arrays
          ? `${'['.repeat(depth)}${']'.repeat(depth)}`
          : `${'{"a":'.repeat(depth / 5)}1${'}'.repeat(depth / 5)}`;
        const json = JSON.stringify({ ...r, [field]: 0 }).replace(`"${field}":0`, `"${field}":${nested}`);
        return { key: null, value: Buffer.from(json) };
      }),
  },
  {
    // An unpaired surrogate (valid JSON, refused by DynamoDB) in any string field.
    weight: 1,
    arbitrary: fc.tuple(record, fc.constantFrom(...STRING_FIELDS)).map(([r, field]) => ({
      key: null,
      value: Buffer.from(JSON.stringify({ ...r, [field]: 'LONE' }).replace('"LONE"', '"x\\ud800y"')),
    })),
  },
  {
    // Huge keys and values (up to 1.2 MB each, over Firehose's 1,000 KiB record limit once in a line).
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 1_200_000 }), fc.integer({ min: 65_537, max: 1_200_000 }))
      .map(([keyBytes, valueBytes]) => ({
        key: Buffer.alloc(keyBytes, 'k'),
        value: Buffer.alloc(valueBytes, '{'),
      })),
  },
);

// --- the run and its checks -------------------------------------------------------------------------------------

const toSources = (inputs: readonly Input[]): SourceRecord[] => {
  const next = [0, 0, 0];
  return inputs.map((input, i) => {
    const partition = i % 3;
    const offset = next[partition] ?? 0;
    next[partition] = offset + 1;
    return { topic: 'modem-telemetry', partition, offset, timestampMs: T0, ...input };
  });
};

const sumCounts = (maps: readonly Counts[]): Map<string | null, number> => {
  const out = new Map<string | null, number>();
  for (const map of maps)
    for (const [key, count] of Object.entries(map)) {
      const name = nameOfStoredKey(key);
      out.set(name, (out.get(name) ?? 0) + count);
    }
  for (const [name, count] of out) if (count === 0) out.delete(name);
  return out;
};

const tally = <T>(values: readonly T[]): Map<T, number> => {
  const out = new Map<T, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
};

const runPipeline = async (inputs: readonly Input[], boundaries: readonly number[]) => {
  const store = new MarshalledStateStore();
  const alerts = new MarshalledAlertSink();
  const deadLetters = new MemoryDeadLetterSink();
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const processor = createStateProcessor({
    store,
    alerts,
    deadLetters,
    rules: staticRules(RULES),
    registry: new DynamoDbRegistryCache(client, 'registry'),
    logger: silentLog,
    metrics: new MemoryMetrics(),
    clock: () => T0,
    // Thousands of new devices in one minute are the point here, not the new-device cap (new-device-cap.test.ts).
    newDevicesPerPartitionMinute: 1_000_000,
  });
  const sources = toSources(inputs);
  const cuts = [...new Set([0, ...boundaries.map((b) => b % (sources.length + 1)), sources.length])].sort(
    (a, b) => a - b,
  );
  let valid = 0;
  for (let i = 1; i < cuts.length; i++) {
    const summary = await processor.process(toMskEvent(sources.slice(cuts[i - 1], cuts[i])));
    expect(summary.valid + summary.invalid).toBe(summary.records);
    valid += summary.valid;
  }
  return { store, alerts, deadLetters, sources, valid };
};

const checkRun = async (inputs: readonly Input[], boundaries: readonly number[]) => {
  const { store, alerts, deadLetters, sources, valid } = await runPipeline(inputs, boundaries);
  const items = [...store.memory.items.values()];
  const devices = items.filter((i): i is DeviceItem => i.sk === 'STATE');
  const records = items.filter((i): i is FleetItem => i.sk.startsWith('RECORDS#'));

  // Folded or dead-lettered: every record exactly once, dead-letters with their position and a unique id.
  const position = (r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`;
  const dead = new Set(deadLetters.letters.map(position));
  expect(dead.size).toBe(deadLetters.letters.length);
  expect(new Set(deadLetters.letters.map((l) => l.id)).size).toBe(deadLetters.letters.length);
  expect(valid + dead.size).toBe(sources.length);
  // Every reason is the decoder's own, and short: it never threw (the batch's safety net stayed unused).
  for (const letter of deadLetters.letters) {
    expect(letter.reason).not.toMatch(/^undecodable/);
    expect(letter.reason.length).toBeLessThanOrEqual(200);
  }
  const folded = sources.filter((s) => !dead.has(position(s)));
  const docs = folded.map((s) => JSON.parse(s.value.toString()) as Record<string, unknown>);

  // Per device and per model, the counts are exact whatever the names.
  expect(tally(docs.map((d) => String(d.deviceid)))).toEqual(
    new Map(devices.map((d) => [d.deviceId, d.recordCount])),
  );
  expect(sumCounts(records.map((r) => r.byModel))).toEqual(tally(docs.map((d) => String(d.model))));
  expect(records.reduce((s, r) => s + r.records, 0)).toBe(folded.length);
  // Device counts: the sum over partitions' fleet items (one partition alone may hold negative counts).
  expect(records.reduce((s, r) => s + (r.devices ?? 0), 0)).toBe(devices.length);
  expect(sumCounts(records.map((r) => r.byStatus ?? {}))).toEqual(tally(devices.map((d) => d.status)));
  expect(sumCounts(records.map((r) => r.byModelDevices ?? {}))).toEqual(tally(devices.map((d) => d.model)));

  // Within AWS's limits.
  expect(store.maxItemBytes).toBeLessThan(MAX_ITEM_BYTES);
  expect(store.maxTransactionBytes).toBeLessThan(MAX_TRANSACTION_BYTES);
  expect(alerts.maxItemBytes).toBeLessThan(MAX_ITEM_BYTES);
  for (const letter of deadLetters.letters)
    expect(deadLetterLine(letter).byteLength).toBeLessThanOrEqual(FIREHOSE_RECORD_BYTES);
  for (const device of devices)
    expect(device.registry === undefined || Object.keys(device.registry).length <= 32).toBe(true);
};

describe('state processor under hostile input (property)', () => {
  it('never throws; folds or dead-letters every record; exact counts; items within limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostile, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        checkRun,
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  it('keeps a device with thousands of distinct interface names under 400 KB', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 600, max: 1500 }),
        fc.array(fc.nat(), { maxLength: 2 }),
        async (count, cuts) => {
          const inputs = Array.from({ length: count }, (_, i) => ({
            key: null,
            value: text({
              deviceid: 'wide',
              model: 'EVG2000',
              interface: `${'€'.repeat(250)}${i}`,
              interfacestatus: 'connected',
              cpuusage: 1,
              memoryusage: 1,
              event_time: new Date(T0 - i).toISOString(),
            }),
          }));
          const { store } = await runPipeline(inputs, cuts);
          const device = store.memory.items.get('DEVICE#wide\nSTATE') as DeviceItem;
          expect(device.recordCount).toBe(count);
          expect(device.interfaces.length).toBe(64);
          expect(store.maxItemBytes).toBeLessThan(MAX_ITEM_BYTES);
        },
      ),
      { numRuns: 4 },
    );
  }, 120_000);

  it('keeps fleet shards under 400 KB when thousands of devices report distinct long models and statuses', async () => {
    const inputs = Array.from({ length: 4000 }, (_, i) => ({
      key: null,
      value: text({
        deviceid: `d${i}`,
        model: `${'€'.repeat(250)}${i}`,
        interface: 'eth0',
        interfacestatus: `${'é'.repeat(250)}${i}`,
        cpuusage: 1,
        memoryusage: 1,
        event_time: new Date(T0).toISOString(),
      }),
    }));
    const { store } = await runPipeline(inputs, []);
    const records = [...store.memory.items.values()].filter((i): i is FleetItem =>
      i.sk.startsWith('RECORDS#'),
    );
    expect(store.maxItemBytes).toBeLessThan(MAX_ITEM_BYTES);
    // Totals stay exact: what no longer fits a map is counted under the overflow key.
    expect([...sumCounts(records.map((s) => s.byStatus ?? {})).values()].reduce((a, b) => a + b, 0)).toBe(
      4000,
    );
    expect(sumCounts(records.map((r) => r.byModel)).get(null)).toBeGreaterThan(0);
    expect([...sumCounts(records.map((r) => r.byModel)).values()].reduce((a, b) => a + b, 0)).toBe(4000);
  }, 120_000);
});
