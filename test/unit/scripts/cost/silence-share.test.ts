/**
 * Issue 21: silence detection stays under 2% of the pipeline's bill at 1,000 and 1,000,000 devices. Computed from
 * the model (the pipeline priced at each size, the sweep on the model's own batching), never a stored number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRICE_TABLES } from '#scripts/cost/prices.ts';
import { rescale, SILENCE_FLEET_SIZES, silenceShare } from '#scripts/cost/silence-share.ts';
import { main } from '#scripts/cost.ts';

const prices = PRICE_TABLES['us-east-1'];
if (prices === undefined) throw new Error('no us-east-1 prices');
const BOUND = 0.02;
/** The blog scenario: 5,000 modems × 2 records/s × 1 KB. */
const blog = { devices: 5000, recordsPerSecond: 10_000, recordBytes: 1024 };

describe('silence detection share of the bill', () => {
  it.each(SILENCE_FLEET_SIZES)('blog scenario rescaled to %i devices: under 2%%', (devices) => {
    const share = silenceShare(rescale(blog, devices), { prices });
    expect(share.silence.totalUsd).toBeGreaterThan(0);
    expect(share.share).toBeLessThan(BOUND);
  });

  it('holds from one record per 10 minutes to 10 records/s per device, 100 to 1,000,000 devices (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(100, 1000, 10_000, 100_000, 1_000_000),
        fc.double({ min: 1 / 600, max: 10, noNaN: true }),
        fc.integer({ min: 200, max: 4096 }),
        (devices, perDevice, recordBytes) => {
          const share = silenceShare(
            { devices, recordsPerSecond: devices * perDevice, recordBytes },
            { prices },
          );
          expect(share.share).toBeLessThan(BOUND);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a sweep that read every device item each minute would not be what keeps it small', () => {
    // The guard the design relies on: reads scale with the presence index, not with a fleet-wide GetItem per minute.
    const share = silenceShare(rescale(blog, 1_000_000), { prices });
    const sweepRru = share.silence.lines.find((l) => l.item.startsWith('sweep reads'))?.quantity ?? 0;
    const fleetReadsPerMonth = 1_000_000 * share.silence.sweepsPerMonth;
    expect(sweepRru).toBeLessThan(fleetReadsPerMonth / 100);
  });

  it('npm run cost prints the line at both sizes with its share (text and JSON)', async () => {
    const out: string[] = [];
    const argv = ['--devices', '5000', '--rate', '10000', '--record-bytes', '1024'];
    expect(await main(argv, (text) => out.push(text))).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Silence detection/);
    expect(text).toMatch(/1,000 devices\s+1,000,000 devices/);
    expect(text).toMatch(/share of the whole bill/);
    const json: string[] = [];
    expect(await main([...argv, '--json'], (t) => json.push(t))).toBe(0);
    const doc = JSON.parse(json.join('\n')) as {
      silenceDetection: Array<{ devices: number; share: number }>;
    };
    expect(doc.silenceDetection.map((s) => s.devices)).toEqual([...SILENCE_FLEET_SIZES]);
    for (const s of doc.silenceDetection) expect(s.share).toBeLessThan(BOUND);
  });
});
