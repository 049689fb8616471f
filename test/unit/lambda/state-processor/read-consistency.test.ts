/**
 * What each read of the processor costs (issue 14): the first read of a batch is eventually consistent (half a read
 * unit; a stale image only fails its write's condition), while a re-read after a lost race, and the re-read of a
 * device about to raise or resolve an alert, are strongly consistent.
 */

import { describe, expect, it } from 'vitest';
import type { ItemKey } from '#core/items/keys.ts';
import type { ReadOptions, StateStore } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { MemoryStateStore, staticRules } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

const BASE_MS = Date.parse('2026-11-21T10:00:00Z');
const record = (offset: number, status = 'up') =>
  sourceRecord(
    { topic: 't', partition: 0, offset, timestampMs: BASE_MS },
    telemetryValue({ deviceid: 'd1', interfacestatus: status, event_time: eventTimeAt(BASE_MS, offset) }),
  );
const down: Rule = {
  ruleId: 'down',
  when: { field: 'interfacestatus', op: '==', value: 'down' },
  severity: 'critical',
  enabled: true,
};

/** The store, recording each read's keys (as pk/sk) and whether it asked for strong consistency. */
const recording = (store: MemoryStateStore) => {
  const reads: { keys: string[]; consistent: boolean }[] = [];
  const wrapped: StateStore = {
    read: (keys: readonly ItemKey[], options?: ReadOptions) => {
      reads.push({ keys: keys.map((k) => `${k.pk} ${k.sk}`), consistent: options?.consistent !== false });
      return store.read(keys, options);
    },
    put: (write) => store.put(write),
    transact: (writes) => store.transact(writes),
  };
  return { reads, wrapped };
};

describe('read consistency', () => {
  it('reads a batch eventually consistently first, and strongly after losing a race', async () => {
    const store = new MemoryStateStore();
    await memoryProcessor({ store, clock: () => BASE_MS + 60_000 }).process(toMskEvent([record(0)]));
    const { reads, wrapped } = recording(store);
    // Another invocation writes the device first, once.
    let touched = false;
    store.fault = (write) => {
      if (touched || write.item.sk !== 'STATE') return 'none';
      touched = true;
      return 'touch';
    };
    const summary = await memoryProcessor({ store: wrapped, clock: () => BASE_MS + 60_000 }).process(
      toMskEvent([record(1)]),
    );
    expect(summary.conflicts).toBe(1);
    expect(reads[0]).toEqual({ keys: ['DEVICE#d1 STATE', 'FLEET RECORDS#t#0'], consistent: false });
    const reread = reads.find((r, i) => i > 0 && r.keys.includes('DEVICE#d1 STATE'));
    expect(reread?.consistent).toBe(true);
  });

  it('re-reads strongly a device about to raise an alert (alerts are written before their device)', async () => {
    const store = new MemoryStateStore();
    await memoryProcessor({ store, clock: () => BASE_MS + 60_000 }).process(toMskEvent([record(0)]));
    const { reads, wrapped } = recording(store);
    await memoryProcessor({
      store: wrapped,
      rules: staticRules([down]),
      clock: () => BASE_MS + 60_000,
    }).process(toMskEvent([record(1, 'down')]));
    expect(reads[0]?.consistent).toBe(false);
    expect(reads.slice(1).some((r) => r.consistent && r.keys.includes('DEVICE#d1 STATE'))).toBe(true);
  });

  it('re-reads strongly a device about to resolve an episode (resolutions are written before their device)', async () => {
    const store = new MemoryStateStore();
    const processor = (s: StateStore) =>
      memoryProcessor({ store: s, rules: staticRules([down]), clock: () => BASE_MS + 60_000 });
    await processor(store).process(toMskEvent([record(0, 'down')]));
    const { reads, wrapped } = recording(store);
    const summary = await processor(wrapped).process(toMskEvent([record(1)]));
    expect(summary.resolves).toBe(1);
    expect(reads[0]?.consistent).toBe(false);
    expect(reads.slice(1).some((r) => r.consistent && r.keys.includes('DEVICE#d1 STATE'))).toBe(true);
  });
});
