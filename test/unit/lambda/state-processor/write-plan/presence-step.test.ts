/**
 * The presence index written by the processor (write-plan/presence-step.ts): a device is listed once in each
 * processing slot (30 s) it is written in, before the device write, so whatever attempt fails where, the slot of a
 * device item's `processedAt` lists the device (the sweep finds every silent device from it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import { STATE_SK } from '#core/items/keys.ts';
import { PRESENCE_CHUNK_IDS, presenceChunks, presencePk, slotOf } from '#core/items/presence.ts';
import type { PresenceEntry, PresenceSink } from '#core/ports.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { type Fault, InjectedFault, MemoryStateStore } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const TOPIC = 'modem-telemetry';

class MemoryPresence implements PresenceSink {
  readonly items = new Map<string, Set<string>>();
  fail = false;
  async add(entries: readonly PresenceEntry[]): Promise<void> {
    if (this.fail) throw new InjectedFault('presence write failed');
    for (const e of entries) {
      const id = `${e.key.pk}\n${e.key.sk}`;
      const set = this.items.get(id) ?? new Set<string>();
      for (const d of e.ids) set.add(d);
      this.items.set(id, set);
    }
  }
  /** The devices listed in a slot, over every partition and chunk. */
  listed(slot: string): Set<string> {
    const out = new Set<string>();
    for (const [id, ids] of this.items)
      if (id.startsWith(`${presencePk(slot, 0).replace(/#0$/, '#')}`)) for (const d of ids) out.add(d);
    return out;
  }
}

interface Rec {
  device: number;
  partition: number;
}

let offsets = [0, 0];
const event = (recs: readonly Rec[], eventMs: number) =>
  toMskEvent(
    recs.map((r) => {
      const offset = offsets[r.partition] ?? 0;
      offsets[r.partition] = offset + 1;
      return {
        topic: TOPIC,
        partition: r.partition,
        offset,
        timestampMs: eventMs,
        value: Buffer.from(
          JSON.stringify({
            deviceid: `d${r.device}`,
            model: 'EVG2000',
            interface: 'eth0',
            interfacestatus: 'up',
            cpuusage: 1,
            memoryusage: 1,
            event_time: new Date(eventMs).toISOString(),
          }),
        ),
      };
    }),
  );

describe('presence index', () => {
  it('lists each device once per processing slot, and stamps processedAt', async () => {
    offsets = [0, 0];
    const store = new MemoryStateStore();
    const presence = new MemoryPresence();
    let now = T0 + 5_000;
    const processor = memoryProcessor({ store, presence, clock: () => now });
    await processor.process(
      event(
        [
          { device: 1, partition: 0 },
          { device: 2, partition: 1 },
        ],
        T0,
      ),
    );
    expect(presence.items.size).toBe(2);
    expect(presence.listed(slotOf(now))).toEqual(new Set(['d1', 'd2']));
    // Same slot (30 s) again: nothing new to list.
    now = T0 + 25_000;
    await processor.process(event([{ device: 1, partition: 0 }], T0 + 30_000));
    expect(presence.items.size).toBe(2);
    expect((store.items.get(`DEVICE#d1\n${STATE_SK}`) as DeviceItem).processedAt).toBe(
      new Date(now).toISOString(),
    );
    // Next slot: listed again.
    now = T0 + 65_000;
    await processor.process(event([{ device: 1, partition: 0 }], T0 + 60_000));
    expect(presence.listed(slotOf(now))).toEqual(new Set(['d1']));
  });

  it('cuts chunks from the batch alone: at most PRESENCE_CHUNK_IDS ids, the same chunk for an id on a retry', () => {
    const all = Array.from({ length: 2_500 }, (_, i) => `dev${i}`);
    const first = presenceChunks(all, new Set(all));
    const retry = presenceChunks(all, new Set(all.filter((_, i) => i % 3 === 0)));
    expect(first.map((c) => c.ids.length)).toEqual([PRESENCE_CHUNK_IDS, PRESENCE_CHUNK_IDS, 500]);
    for (const chunk of retry) {
      const same = first.find((c) => c.chunk === chunk.chunk);
      expect(chunk.ids.every((id) => same?.ids.includes(id))).toBe(true);
    }
  });

  it('whatever write fails and whenever the retry runs, the slot of each device item lists the device', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            recs: fc.array(
              fc.record({
                device: fc.integer({ min: 0, max: 4 }),
                partition: fc.integer({ min: 0, max: 1 }),
              }),
              {
                minLength: 1,
                maxLength: 8,
              },
            ),
            atMs: fc.integer({ min: 0, max: 300_000 }),
            retryAfterMs: fc.integer({ min: 0, max: 120_000 }),
            failAt: fc.option(fc.integer({ min: 0, max: 8 })),
            failPresence: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (batches) => {
          offsets = [0, 0];
          const store = new MemoryStateStore();
          const presence = new MemoryPresence();
          let now = T0;
          let clockBase = T0;
          for (const b of [...batches].sort((x, y) => x.atMs - y.atMs)) {
            const ev = event(b.recs, T0 + b.atMs);
            now = Math.max(clockBase, T0 + b.atMs + 1_000);
            let writes = 0;
            store.fault = () => (b.failAt !== null && writes++ >= b.failAt ? ('crash' as Fault) : 'none');
            presence.fail = b.failAt !== null && b.failPresence;
            const processor = memoryProcessor({ store, presence, clock: () => now, maxWriteAttempts: 3 });
            await processor.process(ev).catch(() => undefined);
            // Lambda retries the batch, later.
            store.fault = () => 'none';
            presence.fail = false;
            now += b.retryAfterMs;
            await processor.process(ev);
            clockBase = now;
          }
          for (const item of store.items.values()) {
            if (item.sk !== STATE_SK) continue;
            const device = item as DeviceItem;
            expect(presence.listed(slotOf(Date.parse(device.processedAt ?? ''))).has(device.deviceId)).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
