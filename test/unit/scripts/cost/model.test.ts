import { describe, expect, it } from 'vitest';
import { INTERFACE_ENDPOINTS } from '#lib/constructs/network.ts';
import { type Assumptions, DEFAULT_ASSUMPTIONS, DEFAULT_CALIBRATION } from '#scripts/cost/inputs.ts';
import {
  computeCost,
  expectedDistinct,
  HOURS_PER_MONTH,
  recordsPerBatch,
  SECONDS_PER_MONTH,
  sizeKafka,
} from '#scripts/cost/model.ts';
import { PRICE_TABLES } from '#scripts/cost/prices.ts';

const prices = PRICE_TABLES['us-east-1'];
if (prices === undefined) throw new Error('us-east-1 price table missing');
const lineUsd = (lines: { service: string; item: string; usd: number }[], service: string, item: string) =>
  lines.find((l) => l.service === service && l.item.startsWith(item))?.usd;

/** The model's arithmetic at a fixed operating point (1 s window, partitions sized by the model), whatever the default profile. */
const ASSUMED: Assumptions = { ...DEFAULT_ASSUMPTIONS, batchingWindowSeconds: 1, partitions: 0 };

describe('expectedDistinct', () => {
  it('is the number of draws when devices are many', () => {
    expect(expectedDistinct(1e9, 100)).toBeCloseTo(100, 3);
  });
  it('saturates at the number of devices', () => {
    expect(expectedDistinct(17, 10_000)).toBeCloseTo(17, 6);
    expect(expectedDistinct(1, 50)).toBe(1);
  });
  it('matches the closed form for a small case', () => {
    // 2 devices, 2 draws: 1 distinct with probability 1/2, 2 with 1/2 → 1.5
    expect(expectedDistinct(2, 2)).toBeCloseTo(1.5, 10);
  });
});

describe('recordsPerBatch', () => {
  it('is the batching window worth of records when that is smallest', () => {
    expect(recordsPerBatch(500, 200, ASSUMED)).toBe(500);
  });
  it('is capped by the batch size', () => {
    expect(recordsPerBatch(50_000, 100, ASSUMED)).toBe(10_000);
  });
  it('is capped by the 6 MB invoke payload for big records', () => {
    const batch = recordsPerBatch(50_000, 1024, ASSUMED);
    expect(batch).toBeLessThan(5000);
    expect(batch * (Math.ceil(1024 / 3) * 4)).toBeLessThanOrEqual(6 * 1024 * 1024);
  });
  it('never drops below one record', () => {
    expect(recordsPerBatch(0.01, 100, ASSUMED)).toBe(1);
  });
});

describe('sizeKafka', () => {
  it('keeps six partitions and one cluster for small fleets', () => {
    expect(sizeKafka(1, 2, ASSUMED)).toMatchObject({ partitions: 6, clusters: 1 });
  });
  it('adds partitions at 80% of 5 MB/s each', () => {
    expect(sizeKafka(100, 200, ASSUMED).partitions).toBe(25);
  });
  it('needs a second cluster beyond 160 MB/s in', () => {
    expect(sizeKafka(170, 340, ASSUMED).clusters).toBe(2);
  });
  it('respects explicit partitions', () => {
    expect(sizeKafka(1, 2, { ...ASSUMED, partitions: 48 }).partitions).toBe(48);
  });
});

describe('computeCost', () => {
  const scenario = { devices: 100, recordsPerSecond: 1000, recordBytes: 1000 };

  it('prices MSK from the table: cluster-hours, partitions, GiB in and out', () => {
    const r = computeCost(scenario, prices, DEFAULT_CALIBRATION, ASSUMED);
    expect(lineUsd(r.fleetstream.lines, 'MSK Serverless', 'cluster-hours')).toBeCloseTo(
      HOURS_PER_MONTH * 0.75,
      6,
    );
    expect(lineUsd(r.fleetstream.lines, 'MSK Serverless', 'partition-hours')).toBeCloseTo(
      6 * HOURS_PER_MONTH * 0.0015,
      6,
    );
    const gibIn = (1000 * SECONDS_PER_MONTH * (1000 + ASSUMED.kafkaOverheadBytes)) / 1024 ** 3;
    expect(lineUsd(r.fleetstream.lines, 'MSK Serverless', 'data in')).toBeCloseTo(gibIn * 0.1, 4);
    // FleetStream is read by the processor and by Firehose; the naive design by its Lambda only.
    expect(lineUsd(r.fleetstream.lines, 'MSK Serverless', 'data out')).toBeCloseTo(2 * gibIn * 0.05, 4);
    expect(lineUsd(r.naive.lines, 'MSK Serverless', 'data out')).toBeCloseTo(gibIn * 0.05, 4);
  });

  it('charges the naive design one write per record', () => {
    const r = computeCost(scenario, prices, DEFAULT_CALIBRATION, ASSUMED);
    expect(r.naive.itemWritesPer1k).toBe(1000);
    const wru = (1000 * SECONDS_PER_MONTH * DEFAULT_CALIBRATION.naive.wcuPerItemWrite) / 1e6;
    expect(lineUsd(r.naive.lines, 'DynamoDB', 'write request units')).toBeCloseTo(wru * 0.625, 4);
  });

  it('coalesces: a hot fleet costs FleetStream far fewer writes per record', () => {
    const r = computeCost(scenario, prices, DEFAULT_CALIBRATION, ASSUMED);
    // 1,000 records/s over 6 partitions, 1 s window → ~167 records per batch over ~17 devices: ~17 device writes,
    // a minute closing for ~1/60 of them, one fleet shard → ~110 writes per 1,000 records.
    expect(r.derived.recordsPerBatch).toBeCloseTo(1000 / 6, 6);
    expect(r.fleetstream.itemWritesPer1k).toBeLessThan(130);
    expect(r.fleetstream.itemWritesPer1k).toBeGreaterThan(90);
  });

  it("coalesces a device's report: k records sent at once span k times fewer devices in a batch", () => {
    // 10,000 devices over 6 partitions, ~1,667 records per batch: one record per report spans ~1,500 of the ~1,667
    // devices of a partition; reports of 3 records are ~556 draws, ~484 devices.
    const wide = { devices: 10_000, recordsPerSecond: 10_000, recordBytes: 200 };
    const single = computeCost(wide, prices, DEFAULT_CALIBRATION, ASSUMED);
    const reports = computeCost(wide, prices, DEFAULT_CALIBRATION, {
      ...ASSUMED,
      recordsPerReport: 3,
    });
    expect(reports.derived.recordsPerBatch).toBe(single.derived.recordsPerBatch);
    expect(single.derived.devicesPerBatch).toBeCloseTo(expectedDistinct(10_000 / 6, 10_000 / 6), 6);
    expect(reports.derived.devicesPerBatch).toBeCloseTo(expectedDistinct(10_000 / 6, 10_000 / 18), 6);
    expect(reports.fleetstream.itemWritesPer1k).toBeLessThan(single.fleetstream.itemWritesPer1k / 2);
  });

  it('gets no coalescing when every record is a new device', () => {
    const r = computeCost(
      { devices: 1_000_000, recordsPerSecond: 1000, recordBytes: 200 },
      prices,
      DEFAULT_CALIBRATION,
      ASSUMED,
    );
    // One device write per record (the open minute rides along in it), never fewer than the naive design.
    expect(r.fleetstream.itemWritesPer1k).toBeGreaterThan(1000);
    expect(r.fleetstream.itemWritesPer1k).toBeLessThan(1100);
  });

  it('uses measured per-1k ratios when the calibration carries them', () => {
    const calibration = {
      ...DEFAULT_CALIBRATION,
      source: 'test',
      fleetstream: {
        ...DEFAULT_CALIBRATION.fleetstream,
        measuredWritesPer1k: 5,
        measuredReadsPer1k: 4,
        measuredWcuPer1k: 9,
      },
    };
    const r = computeCost(scenario, prices, calibration);
    expect(r.fleetstream.itemWritesPer1k).toBe(5);
    expect(r.fleetstream.itemReadsPer1k).toBe(4);
    // measured base WCU plus the modelled GSI copies of device writes
    expect(r.fleetstream.wruPer1k).toBeGreaterThan(9);
    expect(r.calibrationSource).toBe('test');
  });

  it('adds no keys-only index writes to WCU measured with them (the bench), only ALL copies', () => {
    const measured = {
      ...DEFAULT_CALIBRATION,
      fleetstream: { ...DEFAULT_CALIBRATION.fleetstream, wcuIncludesIndexes: true },
    };
    const keys = computeCost(scenario, prices, measured, ASSUMED);
    expect(keys.fleetstream.wruPer1k).toBeCloseTo(
      keys.fleetstream.itemWritesPer1k * DEFAULT_CALIBRATION.fleetstream.wcuPerItemWrite,
      9,
    );
    const all = computeCost(scenario, prices, measured, { ...ASSUMED, gsiProjection: 'all' });
    const devicesPer1k = (all.derived.devicesPerBatch / all.derived.recordsPerBatch) * 1000;
    expect(all.fleetstream.wruPer1k - keys.fleetstream.wruPer1k).toBeCloseTo(devicesPer1k * 4, 6);
  });

  it('keys-only GSIs write index entries only when status or model changes', () => {
    const all = computeCost(scenario, prices, DEFAULT_CALIBRATION, {
      ...ASSUMED,
      gsiProjection: 'all',
    });
    const keys = computeCost(scenario, prices, DEFAULT_CALIBRATION, ASSUMED);
    expect(keys.fleetstream.itemWritesPer1k).toBeCloseTo(all.fleetstream.itemWritesPer1k, 9);
    const devicesPer1k = (all.derived.devicesPerBatch / all.derived.recordsPerBatch) * 1000;
    // ALL: 2 indexes × 2 WCU per device write; KEYS_ONLY: 2 indexes × 2% changes × (delete + put)
    expect(all.fleetstream.wruPer1k - keys.fleetstream.wruPer1k).toBeCloseTo(devicesPer1k * (4 - 0.08), 6);
  });

  it('totals are the sum of the lines', () => {
    const r = computeCost(scenario, prices, DEFAULT_CALIBRATION, ASSUMED);
    for (const d of [r.fleetstream, r.naive]) {
      expect(d.totalUsd).toBeCloseTo(
        d.lines.reduce((s, l) => s + l.usd, 0),
        9,
      );
    }
  });

  it('warns when one cluster is not enough', () => {
    const r = computeCost({ devices: 1_000_000, recordsPerSecond: 200_000, recordBytes: 1024 }, prices);
    expect(r.derived.clusters).toBeGreaterThan(1);
    expect(r.warnings.join('\n')).toMatch(/MSK Serverless clusters/);
  });

  it('warns when explicit partitions break the 5 MB/s per-partition quota', () => {
    const r = computeCost(
      { devices: 10, recordsPerSecond: 50_000, recordBytes: 1024 },
      prices,
      DEFAULT_CALIBRATION,
      {
        ...ASSUMED,
        partitions: 6,
      },
    );
    expect(r.warnings.join('\n')).toMatch(/partitions exceed 5 MB\/s/);
  });

  it('rejects nonsense scenarios', () => {
    expect(() => computeCost({ devices: 0, recordsPerSecond: 1, recordBytes: 1 }, prices)).toThrow(/devices/);
    expect(() => computeCost({ devices: 1, recordsPerSecond: 0, recordBytes: 1 }, prices)).toThrow(
      /per second/,
    );
    expect(() => computeCost({ devices: 1, recordsPerSecond: 1, recordBytes: 0.5 }, prices)).toThrow(
      /record bytes/,
    );
  });
});

describe('DEFAULT_ASSUMPTIONS', () => {
  it('prices as many interface endpoints as the network deploys in endpoints mode', () => {
    expect(DEFAULT_ASSUMPTIONS.interfaceEndpoints).toBe(INTERFACE_ENDPOINTS.length);
  });
});
