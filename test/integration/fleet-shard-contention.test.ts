import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DeviceItem, FleetDevicesItem } from '#core/items.ts';
import { toMskEvent } from '#core/msk-event.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

// A mass status change across many partitions: 32 invocations at once (one per partition, as Lambda runs them), each
// turning 64 devices down. Every device write moves a fleet-devices count, in a transaction with its shard, and the
// 16 shards are shared by all 32 invocations: they must converge (no batch fails) with exact counts.

const endpoint = inject('dynamodbEndpoint');
const NOW_MS = Date.parse('2026-11-21T12:00:00Z');
const INVOCATIONS = 32;
const DEVICES_EACH = 64;
const TOPIC = 'modem-telemetry';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const value = (deviceid: string, status: string, second: number) =>
  Buffer.from(
    JSON.stringify({
      deviceid,
      model: ['EVG2000', 'TG1672'][deviceid.length % 2],
      interface: 'eth0',
      interfacestatus: status,
      cpuusage: 10,
      memoryusage: 100,
      event_time: new Date(NOW_MS - 600_000 + second * 1000).toISOString(),
    }),
  );

const batchOf = (invocation: number, offset: number, status: string, second: number) =>
  toMskEvent(
    Array.from({ length: DEVICES_EACH }, (_, i) => ({
      topic: TOPIC,
      partition: invocation,
      offset: offset + i,
      key: null,
      value: value(`dev-${invocation}-${i}`, status, second),
    })),
    'arn:aws:kafka:local:000000000000:cluster/local/contention',
  );

describe('fleet-devices shard contention', () => {
  it('32 concurrent invocations each turning 64 devices down converge with exact fleet counts', async () => {
    const names = localTableNames(uniquePrefix('contention'));
    await createTables(localDynamoDb(endpoint), names);
    const datalakeDir = await mkdtemp(join(tmpdir(), 'fleetstream-contention-'));
    dirs.push(datalakeDir);
    const processors = Array.from({ length: INVOCATIONS }, () =>
      createLocalStateProcessor({
        dynamodbEndpoint: endpoint,
        tables: names,
        datalakeDir,
        clock: () => NOW_MS,
      }),
    );
    // Every device first reports "up" (one invocation per partition, in turn).
    for (const [p, processor] of processors.entries()) await processor.process(batchOf(p, 0, 'up', 1));

    const started = performance.now();
    const summaries = await Promise.all(
      processors.map((processor, p) => processor.process(batchOf(p, DEVICES_EACH, 'down', 2))),
    );
    const elapsedMs = Math.round(performance.now() - started);

    const client = DynamoDBDocumentClient.from(localDynamoDb(endpoint));
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new ScanCommand({ TableName: names.state, ExclusiveStartKey, ConsistentRead: true }),
      );
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const shards = items.filter((i) => String(i.sk).startsWith('DEVICES#')) as unknown as FleetDevicesItem[];
    const devices = items.filter((i) => i.sk === 'STATE') as unknown as DeviceItem[];
    const total = INVOCATIONS * DEVICES_EACH;
    expect(devices.filter((d) => d.status === 'down')).toHaveLength(total);
    expect(shards.reduce((sum, s) => sum + s.devices, 0)).toBe(total);
    expect(shards.reduce((sum, s) => sum + (s.byStatus.down ?? 0), 0)).toBe(total);
    expect(shards.reduce((sum, s) => sum + (s.byStatus.up ?? 0), 0)).toBe(0);
    const models = shards.reduce(
      (sum, s) => sum + Object.values(s.byModelDown).reduce((a, b) => a + b, 0),
      0,
    );
    expect(models).toBe(total);

    const conflicts = summaries.reduce((sum, s) => sum + s.conflicts, 0);
    const shardConflicts = summaries.reduce((sum, s) => sum + s.shardConflicts, 0);
    const transactions = summaries.reduce((sum, s) => sum + s.transactions, 0);
    console.log(
      `[shard contention] ${INVOCATIONS} invocations × ${DEVICES_EACH} devices down: ${transactions} transactions, ` +
        `${conflicts} conflicts (${shardConflicts} on shards), max ${Math.max(...summaries.map((s) => s.conflicts))} in one invocation, ${elapsedMs} ms`,
    );
  });
});
