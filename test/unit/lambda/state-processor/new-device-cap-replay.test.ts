/**
 * The new-device cap (issue 25): per source partition, per minute of Kafka timestamp, at most `cap` devices new to the
 * partition; the excess is dead-lettered with the reason, exactly, and a retry after any failure decides the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import { STATE_SK } from '#core/items/keys.ts';
import { NEW_DEVICE_CAP_REASON } from '#core/new-device-cap.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { type Fault, MemoryDeadLetterSink, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const TOPIC = 'modem-telemetry';

interface Spec {
  device: number;
  partition: number;
  /** Minutes after T0 of the record's Kafka timestamp. */
  minute: number;
}

const eventOf = (specs: readonly Spec[], firstOffset = 0) => {
  const offsets = [firstOffset, firstOffset];
  return toMskEvent(
    specs.map((s) => {
      const offset = offsets[s.partition] ?? 0;
      offsets[s.partition] = offset + 1;
      const timestampMs = T0 + s.minute * 60_000 + 5_000;
      return {
        topic: TOPIC,
        partition: s.partition,
        offset,
        timestampMs,
        value: Buffer.from(
          JSON.stringify({
            deviceid: `d${s.device}`,
            model: 'EVG2000',
            interface: 'eth0',
            interfacestatus: 'up',
            cpuusage: 1,
            memoryusage: 1,
            event_time: new Date(timestampMs - 1_000).toISOString(),
          }),
        ),
      };
    }),
  );
};

const processorOf = (store: MemoryStateStore, deadLetters: MemoryDeadLetterSink, cap: number) =>
  memoryProcessor({
    store,
    deadLetters,
    newDevicesPerPartitionMinute: cap,
    clock: () => T0,
    maxWriteAttempts: 3,
  });

const devicesOf = (store: MemoryStateStore) =>
  [...store.items.values()].filter((i): i is DeviceItem => i.sk === STATE_SK);

describe('new-device cap', () => {
  it('admits `cap` new devices per partition-minute and dead-letters every record of the others, with the reason', async () => {
    const store = new MemoryStateStore();
    const deadLetters = new MemoryDeadLetterSink();
    // 12 new devices, two records each, in minute 0; then all 12 again in minute 1.
    const specs = [
      ...Array.from({ length: 24 }, (_, i) => ({ device: i % 12, partition: 0, minute: 0 })),
      ...Array.from({ length: 12 }, (_, i) => ({ device: i, partition: 0, minute: 1 })),
    ];
    const summary = await processorOf(store, deadLetters, 5).process(eventOf(specs));
    // Minute 0: d0-d4 admitted; minute 1: d0-d4 are known, d5-d9 new and admitted, d10-d11 over again.
    expect(devicesOf(store).map((d) => [d.deviceId, d.recordCount])).toEqual(
      expect.arrayContaining([
        ['d0', 3],
        ['d4', 3],
        ['d5', 1],
        ['d9', 1],
      ]),
    );
    expect(devicesOf(store)).toHaveLength(10);
    const rejected = deadLetters.letters;
    expect(rejected).toHaveLength(14 + 2);
    expect(
      rejected.every((l) =>
        l.reason.startsWith(`${NEW_DEVICE_CAP_REASON}: over 5 new devices on partition 0`),
      ),
    ).toBe(true);
    expect(summary.valid).toBe(36);
    expect(devicesOf(store).reduce((sum, d) => sum + d.recordCount, 0) + rejected.length).toBe(36);
  });

  it('carries the count over batches of the same minute, and never caps a known device', async () => {
    const store = new MemoryStateStore();
    const deadLetters = new MemoryDeadLetterSink();
    const processor = processorOf(store, deadLetters, 5);
    await processor.process(eventOf([0, 1, 2].map((device) => ({ device, partition: 0, minute: 0 }))));
    const second = [0, 1, 2, 3, 4, 5, 6].map((device) => ({ device, partition: 0, minute: 0 }));
    await processor.process(eventOf(second, 3));
    expect(
      devicesOf(store)
        .map((d) => d.deviceId)
        .sort(),
    ).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(deadLetters.letters.map((l) => l.offset)).toEqual([8, 9]);
  });

  it('counts each partition on its own', async () => {
    const store = new MemoryStateStore();
    const deadLetters = new MemoryDeadLetterSink();
    const specs = Array.from({ length: 8 }, (_, i) => ({ device: i, partition: i % 2, minute: 0 }));
    await processorOf(store, deadLetters, 3).process(eventOf(specs));
    expect(devicesOf(store)).toHaveLength(6);
    expect(deadLetters.letters.map((l) => `${l.partition}@${l.offset}`).sort()).toEqual(['0@3', '1@3']);
  });

  it('decides the same on a retry whatever the failed attempt wrote (exactly-once)', async () => {
    const specArb = fc.record({
      device: fc.integer({ min: 0, max: 9 }),
      partition: fc.integer({ min: 0, max: 1 }),
      minute: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 30 }),
        fc.array(specArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom<Fault>('crash', 'lost-ack', 'touch'),
        async (before, specs, cap, failAt, kind) => {
          const sorted = (xs: Spec[]) => [...xs].sort((a, b) => a.minute - b.minute); // Kafka time goes forward
          const first = eventOf(sorted(before));
          const offsets = sorted(before).reduce((n, s) => (s.partition === 0 ? n + 1 : n), 0);
          const onePartition = sorted(specs).map((s) => ({ ...s, partition: 0, minute: s.minute + 3 }));
          const event = eventOf(onePartition, offsets);
          const clean = { store: new MemoryStateStore(), letters: new MemoryDeadLetterSink() };
          await processorOf(clean.store, clean.letters, cap).process(first);
          await processorOf(clean.store, clean.letters, cap).process(event);

          const retried = { store: new MemoryStateStore(), letters: new MemoryDeadLetterSink() };
          await processorOf(retried.store, retried.letters, cap).process(first);
          let writes = 0;
          retried.store.fault = () => (writes++ === failAt ? kind : 'none');
          await processorOf(retried.store, retried.letters, cap)
            .process(event)
            .catch(() => undefined);
          retried.store.fault = () => 'none';
          await processorOf(retried.store, retried.letters, cap).process(event);

          const ids = (sink: MemoryDeadLetterSink) =>
            [...new Map(sink.letters.map((l) => [l.id, l.reason]))].sort();
          expect(ids(retried.letters)).toEqual(ids(clean.letters));
          expect(retried.store.snapshot()).toEqual(clean.store.snapshot());
          const folded = devicesOf(retried.store).reduce((sum, d) => sum + d.recordCount, 0);
          expect(folded + ids(retried.letters).length).toBe(before.length + specs.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
