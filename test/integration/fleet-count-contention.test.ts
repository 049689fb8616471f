import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { sumFleet } from '#lambda/lookup-api/mappers.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { scanTable } from '#test/support/integration.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

// A mass status change across many partitions, with every batch delivered twice at once (a retry overlapping the
// original, as around a rebalance or a timeout): 32 invocations, two per partition, each turning the partition's 64
// devices down. Every device write moves the fleet counts, in a transaction with its partition's fleet item; the two
// invocations of a partition contend for that item and for its devices, those of different partitions for nothing.
// They must converge (no batch fails) with exact counts, each record counted once.

const endpoint = inject('dynamodbEndpoint');
const NOW_MS = Date.parse('2026-11-21T12:00:00Z');
const PARTITIONS = 16;
const DELIVERIES = 2;
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

describe('fleet count contention', () => {
  it('16 partitions × 2 concurrent deliveries, each turning 64 devices down, converge with exact fleet counts', async () => {
    const names = localTableNames(uniquePrefix('contention'));
    await createTables(localDynamoDb(endpoint), names);
    const datalakeDir = await mkdtemp(join(tmpdir(), 'fleetstream-contention-'));
    dirs.push(datalakeDir);
    const processors = Array.from({ length: PARTITIONS * DELIVERIES }, () =>
      createLocalStateProcessor({
        dynamodbEndpoint: endpoint,
        tables: names,
        datalakeDir,
        clock: () => NOW_MS,
      }),
    );
    // Every device first reports "up" (one invocation per partition, in turn).
    for (let p = 0; p < PARTITIONS; p++) await processors[p]?.process(batchOf(p, 0, 'up', 1));

    const started = performance.now();
    const summaries = await Promise.all(
      processors.map((processor, i) => processor.process(batchOf(i % PARTITIONS, DEVICES_EACH, 'down', 2))),
    );
    const elapsedMs = Math.round(performance.now() - started);

    const items = await scanTable(endpoint, names.state);
    const fleet = sumFleet(
      items.filter((i) => String(i.sk).startsWith('RECORDS#')) as unknown as FleetItem[],
    );
    const devices = items.filter((i) => i.sk === 'STATE') as unknown as DeviceItem[];
    const total = PARTITIONS * DEVICES_EACH;
    expect(devices.filter((d) => d.status === 'down')).toHaveLength(total);
    expect(devices.every((d) => d.recordCount === 2)).toBe(true);
    // /fleet's view: every device down, each record counted once.
    const ofModel = (model: string) => devices.filter((d) => d.model === model).length;
    expect(ofModel('EVG2000')).toBeGreaterThan(0);
    expect(ofModel('TG1672')).toBeGreaterThan(0);
    expect(fleet).toEqual({
      devices: total,
      records: total * 2,
      byStatus: { down: total },
      byModel: Object.fromEntries(
        ['EVG2000', 'TG1672'].map((m) => [
          m,
          { devices: ofModel(m), records: ofModel(m) * 2, down: ofModel(m) },
        ]),
      ),
    });

    const conflicts = summaries.reduce((sum, s) => sum + s.conflicts, 0);
    const fleetItemConflicts = summaries.reduce((sum, s) => sum + s.fleetItemConflicts, 0);
    const transactions = summaries.reduce((sum, s) => sum + s.transactions, 0);
    console.log(
      `[fleet count contention] ${PARTITIONS} partitions × ${DELIVERIES} deliveries × ${DEVICES_EACH} devices down: ` +
        `${transactions} transactions, ${conflicts} conflicts (${fleetItemConflicts} on fleet items), ` +
        `max ${Math.max(...summaries.map((s) => s.conflicts))} in one invocation, ${elapsedMs} ms`,
    );
  });
});
