import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchRecord } from '#core/batch-record.ts';
import { MAX_MINUTES_PER_DEVICE_WRITE, takeRound } from '#core/device-round.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { windowStart } from '#core/items/keys.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import {
  ITEMS_PER_TRANSACTION,
  TRANSACTION_BYTES,
} from '#lambda/state-processor/write-plan/transaction-chunk.ts';
import { BoundedMemoryStore } from '#test/support/bounded-store.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

// Every transaction the processor sends stays within DynamoDB's limits (100 items, 4 MB), whatever a batch holds:
// a device whose records span hundreds of minutes, or a hundred devices with a watermark per partition of a
// 2,400-partition topic changing status at once.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const MAX_ITEM_BYTES = 400 * 1024;

const source = (
  partition: number,
  offset: number,
  deviceid: string,
  second: number,
  status = 'up',
): SourceRecord =>
  sourceRecord(
    { topic: TOPIC, partition, offset, timestampMs: BASE_MS + 30 * 86_400_000 },
    telemetryValue({
      deviceid,
      interfacestatus: status,
      cpuusage: 7,
      memoryusage: 9,
      event_time: eventTimeAt(BASE_MS, second),
    }),
  );

const processorOn = (store: MemoryStateStore) =>
  memoryProcessor({
    store,
    clock: () => BASE_MS + 30 * 86_400_000,
    maxWriteAttempts: 3,
  });

const batchRecord = (partition: number, offset: number, minute: number): BatchRecord => ({
  topic: TOPIC,
  partition,
  offset,
  record: {
    deviceId: 'd',
    model: 'M',
    interface: 'eth0',
    status: 'up',
    cpuUsage: 1,
    memoryUsage: 1,
    eventTime: new Date(BASE_MS + minute * 60_000).toISOString(),
    eventTimeMs: BASE_MS + minute * 60_000,
  },
});

describe('device rounds (a device write spans a bounded number of minutes)', () => {
  it('takes, per partition, a prefix of the new records in offset order, spanning at most the bound', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ partition: fc.integer({ min: 0, max: 3 }), minute: fc.integer({ min: 0, max: 20 }) }),
          {
            maxLength: 80,
          },
        ),
        fc.integer({ min: 1, max: 6 }),
        (specs, max) => {
          const next = [0, 0, 0, 0];
          const fresh = specs.map((s) => {
            const offset = next[s.partition] ?? 0;
            next[s.partition] = offset + 1;
            return batchRecord(s.partition, offset, s.minute);
          });
          const { taken, more } = takeRound(fresh, max);
          expect(new Set(taken.map((r) => windowStart(r.record.eventTimeMs))).size).toBeLessThanOrEqual(max);
          expect(more).toBe(taken.length < fresh.length);
          for (let p = 0; p < 4; p++) {
            const offsets = taken.filter((r) => r.partition === p).map((r) => r.offset);
            expect(offsets).toEqual(offsets.map((_, i) => i)); // a prefix: 0, 1, 2, …
          }
          if (more) {
            const minutes = new Set(taken.map((r) => windowStart(r.record.eventTimeMs)));
            expect(minutes.size).toBe(max); // stopped only because the next record needed one more minute
          }
        },
      ),
    );
  });

  it('folds a device whose batch spans 300 minutes in rounds, each transaction within limits, as one pass would', async () => {
    // Offsets in time order on two partitions, plus late records: 300 minutes in one batch for one device.
    const records = Array.from({ length: 300 }, (_, i) =>
      source(i % 2, Math.floor(i / 2), 'wide', i * 60 + 1),
    );
    const late = [source(0, 150, 'wide', 5), source(1, 150, 'wide', 125)];
    const store = new BoundedMemoryStore();
    await processorOn(store).process(toMskEvent([...records, ...late]));
    expect(store.maxTransactionItems).toBeGreaterThan(MAX_MINUTES_PER_DEVICE_WRITE / 2);
    expect(store.maxTransactionItems).toBeLessThanOrEqual(MAX_MINUTES_PER_DEVICE_WRITE + 2);
    expect(store.maxTransactionItems).toBeLessThanOrEqual(ITEMS_PER_TRANSACTION);
    // The same records one at a time (each batch then spans at most two minutes).
    const oneByOne = new MemoryStateStore();
    for (const r of [...records, ...late]) await processorOn(oneByOne).process(toMskEvent([r]));
    expect(store.snapshot()).toEqual(oneByOne.snapshot());
    const device = store.items.get('DEVICE#wide\nSTATE') as DeviceItem;
    expect(device.recordCount).toBe(302);
  });
});

describe('fleet-count transactions', () => {
  it('chunk by bytes: 99 devices counted through one partition, each with a watermark per partition of 2,400, all going down', async () => {
    const ids = Array.from({ length: 99 }, (_, i) => `dev${i}`);
    const store = new BoundedMemoryStore();
    const processor = processorOn(store);
    // One record per partition, at offsets of a long-lived topic (12 digits): the first device carries 2,400
    // watermarks (in its offsets and its open window's); the others are copies of it.
    const base = 123_456_789_000;
    await processor.process(
      toMskEvent(Array.from({ length: 2_400 }, (_, p) => source(p, base, ids[0] as string, 1))),
    );
    const first = store.items.get(`DEVICE#${ids[0]}\nSTATE`) as DeviceItem;
    for (const id of ids.slice(1)) {
      const copy: DeviceItem = { ...structuredClone(first), pk: `DEVICE#${id}`, deviceId: id };
      store.items.set(`DEVICE#${id}\nSTATE`, copy);
    }
    // The first device was counted through partition 0, its lowest; the copies are counted there too.
    const partitionZero = `FLEET\nRECORDS#${TOPIC}#0`;
    const counts = store.items.get(partitionZero);
    if (counts === undefined || !('records' in counts)) throw new Error('fixture: partition 0');
    store.items.set(partitionZero, {
      ...counts,
      devices: 99,
      byStatus: { up: 99 },
      byModelDevices: { EVG2000: 99 },
    });
    const wide = store.items.get(`DEVICE#${ids[0]}\nSTATE`) as DeviceItem;
    expect(Object.keys(wide.offsets)).toHaveLength(2_400);
    // Now every device goes down in one batch of partition 0: each device write goes in a transaction with
    // partition 0's fleet item.
    const summary = await processor.process(
      toMskEvent(ids.map((id, i) => source(0, base + 1 + i, id, 2, 'down'))),
    );
    expect(summary.conflicts).toBe(0);
    expect(summary.transactions).toBeGreaterThan(1); // 99 devices × ~55 KB do not fit in one transaction
    expect(store.maxTransactionBytes).toBeGreaterThan(0);
    expect(store.maxTransactionBytes).toBeLessThanOrEqual(TRANSACTION_BYTES);
    expect(store.maxTransactionItems).toBeLessThanOrEqual(ITEMS_PER_TRANSACTION);
    expect(store.maxItemBytes).toBeLessThan(MAX_ITEM_BYTES);
    expect(store.items.get(partitionZero)).toMatchObject({ devices: 99, byStatus: { down: 99 } });
  }, 120_000);
});
