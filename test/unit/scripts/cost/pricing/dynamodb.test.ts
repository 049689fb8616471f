import { describe, expect, it } from 'vitest';
import { type Calibration, DEFAULT_ASSUMPTIONS, DEFAULT_CALIBRATION } from '#scripts/cost/inputs.ts';
import {
  dynamoDbRequestLines,
  dynamoDbStorageLine,
  fleetstreamStorageGb,
  fleetstreamUnits,
  naiveUnits,
} from '#scripts/cost/pricing/dynamodb.ts';
import { testPrices } from '#test/support/cost-prices.ts';

const shape = { batch: 100, devicesPerBatch: 50, windowsPerBatch: 10 };
const a = { ...DEFAULT_ASSUMPTIONS, contributionChangeShare: 0.02, deviceGsis: 2 };

describe('fleetstreamUnits', () => {
  it('models a write per device (+ its fleet-shard share), per closed window and one fleet-records write', () => {
    // (50 × 1.02 + 10 + 1) = 62 writes per 100 records.
    const u = fleetstreamUnits(shape, DEFAULT_CALIBRATION, { ...a, gsiProjection: 'keys-only' });
    expect(u.writesPer1k).toBeCloseTo(620, 10);
    expect(u.readsPer1k).toBeCloseTo(620, 10);
    // 620 × 1.5 WCU + keys-only index moves: 500 device writes × 2 GSIs × 2% × 2 (delete + put).
    expect(u.wruPer1k).toBeCloseTo(930 + 40, 10);
    expect(u.rruPer1k).toBeCloseTo(620, 10);
    expect(u.cpuMsPer1k).toBe(DEFAULT_CALIBRATION.fleetstream.cpuMsPer1k);
  });

  it('rewrites every index entry per device write with projection ALL', () => {
    const u = fleetstreamUnits(shape, DEFAULT_CALIBRATION, { ...a, gsiProjection: 'all' });
    expect(u.wruPer1k).toBeCloseTo(930 + 500 * 2 * DEFAULT_CALIBRATION.deviceItemWcu, 10);
  });

  it('takes measured figures as they are, and adds per-write CPU', () => {
    const measured: Calibration = {
      ...DEFAULT_CALIBRATION,
      fleetstream: {
        ...DEFAULT_CALIBRATION.fleetstream,
        measuredWritesPer1k: 300,
        measuredReadsPer1k: 200,
        measuredWcuPer1k: 450,
        wcuIncludesIndexes: true,
        cpuMsPerItemWrite: 0.1,
      },
    };
    const u = fleetstreamUnits(shape, measured, { ...a, gsiProjection: 'keys-only' });
    expect(u).toMatchObject({ writesPer1k: 300, readsPer1k: 200, wruPer1k: 450 });
    expect(u.cpuMsPer1k).toBeCloseTo(DEFAULT_CALIBRATION.fleetstream.cpuMsPer1k + 30, 10);
  });
});

describe('naiveUnits', () => {
  it('is one PutItem per record with the calibrated WCU and no reads', () => {
    expect(naiveUnits(DEFAULT_CALIBRATION)).toEqual({
      writesPer1k: 1000,
      readsPer1k: 0,
      wruPer1k: 1000 * DEFAULT_CALIBRATION.naive.wcuPerItemWrite,
      rruPer1k: 0,
      cpuMsPer1k: DEFAULT_CALIBRATION.naive.cpuMsPer1k,
    });
  });
});

describe('fleetstreamStorageGb', () => {
  it('holds device items with their GSI copies and at most 1,440 windows a day per device', () => {
    // 1 record/s per device: every minute has a window, 1,440 a day × 7 days.
    const gb = fleetstreamStorageGb(10, 10, DEFAULT_CALIBRATION, { ...a, windowRetentionDays: 7 });
    expect(gb).toBeCloseTo((10 * 1200 * 3 + 10 * 1440 * 7 * 350) / 1e9, 15);
  });
});

describe('DynamoDB lines', () => {
  it('bills request units per million and storage per GB-month', () => {
    const [w, r] = dynamoDbRequestLines(1e6, { wruPer1k: 2, rruPer1k: 3 }, testPrices, ' note');
    expect(w).toMatchObject({
      item: 'write request units (2.0/1k records note)',
      quantity: 2000,
      unit: 'WRU',
    });
    expect(w?.usd).toBeCloseTo((2000 * 0.7) / 1e6, 15);
    expect(r).toMatchObject({ item: 'read request units (3.0/1k records)', quantity: 3000, unit: 'RRU' });
    expect(r?.usd).toBeCloseTo((3000 * 0.13) / 1e6, 15);
    expect(dynamoDbStorageLine('x', 10, testPrices)).toMatchObject({ item: 'storage (x)', usd: 3 });
  });
});
