import { describe, expect, it } from 'vitest';
import { measureCompression } from '#scripts/bench/compression.ts';

describe('bytes on the wire per codec (scripts/bench/compression.ts)', () => {
  it('measures every codec against the uncompressed record batches of the same stream', async () => {
    const result = await measureCompression({
      devices: 50,
      records: 3_000,
      seed: 'unit',
      batch: 1000,
      partitions: 6,
    });
    expect(Object.keys(result)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
    expect(result.none.ratio).toBe(1);
    // An uncompressed batch carries at least each record's value (~180 bytes of JSON) plus its key.
    expect(result.none.bytesPerRecord).toBeGreaterThan(150);
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const m = result[codec];
      expect(m.ratio, codec).toBeGreaterThan(0);
      expect(m.ratio, codec).toBeLessThan(0.5);
      expect(m.bytesPerRecord, codec).toBeCloseTo(result.none.bytesPerRecord * m.ratio, 0);
      expect(m.encodeRecordsPerSec, codec).toBeGreaterThan(0);
    }
  });
});
