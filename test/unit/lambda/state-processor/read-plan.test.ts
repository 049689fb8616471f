import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMskEvent } from '#core/msk-event.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { MemoryStateStore } from '#test/support/memory-state.ts';
import { eventTimeAt, sourceRecord, telemetryValue } from '#test/support/telemetry-records.ts';

// The first read skips window items that cannot exist (batch.ts windowKeysToRead). Exactness never rests on it (an
// item taken as absent is written on condition of its absence), its cost does: an existing item it skipped would
// surface as a conflict and a second, strongly consistent read. So: with one writer, in any order of minutes (late
// records, closes, several devices), no batch ever conflicts.

const TOPIC = 'modem-telemetry';
const BASE_MS = Date.parse('2026-11-21T10:00:00Z');

const recordsArb = fc.array(
  fc.record({ device: fc.integer({ min: 0, max: 2 }), second: fc.integer({ min: 0, max: 280 }) }),
  { minLength: 1, maxLength: 40 },
);

describe('first read of a batch', () => {
  it('never misses an existing window item: a lone writer meets no conflict', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArb,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1 }),
        async (specs, sizes) => {
          const store = new MemoryStateStore();
          const processor = memoryProcessor({ store, clock: () => BASE_MS });
          const records = specs.map((s, offset) =>
            sourceRecord(
              { topic: TOPIC, partition: 0, offset, timestampMs: BASE_MS },
              telemetryValue({ deviceid: `d${s.device}`, event_time: eventTimeAt(BASE_MS, s.second) }),
            ),
          );
          let conflicts = 0;
          for (let at = 0, i = 0; at < records.length; i++) {
            const size = sizes[i % sizes.length] ?? 1;
            const summary = await processor.process(toMskEvent(records.slice(at, at + size)));
            conflicts += summary.conflicts;
            at += size;
          }
          expect(conflicts).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
