/**
 * DynamoDB: item writes and reads per 1,000 records for each design (modelled, or as the bench measured them), the
 * request units they cost, and storage.
 */

import type { Assumptions, Calibration } from '#scripts/cost/inputs.ts';
import { GB, type LineItem, line } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

/** A design's DynamoDB work per 1,000 records, and the processor CPU that goes with it. */
export interface DynamoDbUnits {
  readonly writesPer1k: number;
  readonly readsPer1k: number;
  readonly wruPer1k: number;
  readonly rruPer1k: number;
  readonly cpuMsPer1k: number;
}

/** What one batch holds, as the model expects it. */
export interface BatchShape {
  readonly batch: number;
  readonly devicesPerBatch: number;
  readonly windowsPerBatch: number;
}

/**
 * FleetStream: a write per device in the batch (plus its share of a fleet-count write), per closed window, and one
 * write of the partition's fleet item; GSI writes by projection.
 */
export const fleetstreamUnits = (b: BatchShape, calibration: Calibration, a: Assumptions): DynamoDbUnits => {
  const fs = calibration.fleetstream;
  const modelWritesPerBatch = b.devicesPerBatch * (1 + a.contributionChangeShare) + b.windowsPerBatch + 1;
  const writesPer1k = fs.measuredWritesPer1k ?? (modelWritesPerBatch / b.batch) * 1000;
  const readsPer1k = fs.measuredReadsPer1k ?? writesPer1k * fs.readsPerItemWrite;
  const deviceWritesPer1k =
    fs.measuredWritesPer1k !== undefined
      ? fs.measuredWritesPer1k * (b.devicesPerBatch / modelWritesPerBatch)
      : (b.devicesPerBatch / b.batch) * 1000;
  const baseWruPer1k = fs.measuredWcuPer1k ?? writesPer1k * fs.wcuPerItemWrite;
  // With projection ALL every device write is written again to each index; with KEYS_ONLY only a changed status or
  // model moves an entry (delete + put), which measured WCU already hold (then ALL slightly double-counts those).
  const keysOnlyGsiWruPer1k = fs.wcuIncludesIndexes
    ? 0
    : deviceWritesPer1k * a.deviceGsis * a.contributionChangeShare * 2;
  const gsiWruPer1k =
    a.gsiProjection === 'all'
      ? deviceWritesPer1k * a.deviceGsis * calibration.deviceItemWcu
      : keysOnlyGsiWruPer1k;
  return {
    writesPer1k,
    readsPer1k,
    wruPer1k: baseWruPer1k + gsiWruPer1k,
    rruPer1k: readsPer1k * fs.rruPerItemRead,
    cpuMsPer1k: fs.cpuMsPer1k + (fs.cpuMsPerItemWrite ?? 0) * writesPer1k,
  };
};

/** The naive design: one PutItem per record (unless measured otherwise). */
export const naiveUnits = (calibration: Calibration): DynamoDbUnits => {
  const nv = calibration.naive;
  const writesPer1k = nv.measuredWritesPer1k ?? 1000;
  const readsPer1k = nv.measuredReadsPer1k ?? writesPer1k * nv.readsPerItemWrite;
  return {
    writesPer1k,
    readsPer1k,
    wruPer1k: nv.measuredWcuPer1k ?? writesPer1k * nv.wcuPerItemWrite,
    rruPer1k: readsPer1k * nv.rruPerItemRead,
    cpuMsPer1k: nv.cpuMsPer1k,
  };
};

/** FleetStream's table: device items with their GSI copies, and the retained 1-minute windows, in GB. */
export const fleetstreamStorageGb = (
  devices: number,
  recordsPerSecond: number,
  calibration: Calibration,
  a: Assumptions,
): number => {
  const perDeviceRate = recordsPerSecond / devices;
  const windowsPerDevice = Math.min(1440, perDeviceRate * 86_400) * a.windowRetentionDays;
  return (
    (devices * calibration.deviceItemBytes * (1 + a.deviceGsis) +
      devices * windowsPerDevice * calibration.windowItemBytes) /
    GB
  );
};

/** On-demand write and read request units for a month, from units per 1,000 records. */
export const dynamoDbRequestLines = (
  recordsPerMonth: number,
  units: Pick<DynamoDbUnits, 'wruPer1k' | 'rruPer1k'>,
  p: PriceTable,
  writeNote = '',
): LineItem[] => [
  line(
    'DynamoDB',
    `write request units (${units.wruPer1k.toFixed(1)}/1k records${writeNote})`,
    (recordsPerMonth / 1000) * units.wruPer1k,
    'WRU',
    ((recordsPerMonth / 1000) * units.wruPer1k * p.dynamodb.writeRequestUnitsPerMillion.usd) / 1e6,
  ),
  line(
    'DynamoDB',
    `read request units (${units.rruPer1k.toFixed(1)}/1k records)`,
    (recordsPerMonth / 1000) * units.rruPer1k,
    'RRU',
    ((recordsPerMonth / 1000) * units.rruPer1k * p.dynamodb.readRequestUnitsPerMillion.usd) / 1e6,
  ),
];

export const dynamoDbStorageLine = (what: string, gb: number, p: PriceTable): LineItem =>
  line('DynamoDB', `storage (${what})`, gb, 'GB-month', gb * p.dynamodb.storageGbMonth.usd);
