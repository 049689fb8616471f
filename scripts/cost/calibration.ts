/**
 * Turns measured bench results into the cost model's calibration. Three calibrations: `model` keeps the model's own
 * coalescing arithmetic and takes unit sizes (WCU per write, reads per write, CPU per record) from the bench;
 * `hot` / `wide` take that workload's measured per-1,000-record ratios as they are.
 */
import type { BenchResults, DesignResult, WorkloadName } from '#scripts/bench/results.ts';
import { type Calibration, DEFAULT_CALIBRATION, type DesignCalibration } from './inputs.ts';

/** Where the calibration comes from (`npm run cost -- --calibration`): the model's arithmetic, or one bench workload. */
export const CALIBRATIONS = ['model', 'hot', 'wide'] as const;
export type CalibrationName = (typeof CALIBRATIONS)[number];

const sum = (results: DesignResult[], pick: (r: DesignResult) => number) =>
  results.reduce((s, r) => s + pick(r), 0);

/**
 * The larger workload's WCU per item write, at least 1 (AWS's minimum): hot's device items carry a long history
 * (over 1 KB), wide's are small but new devices cost a transaction (2 units per KB). A steady fleet can have both.
 */
const largestWcuPerItemWrite = (results: DesignResult[]): number =>
  Math.max(
    1,
    ...results.filter((r) => r.ddbWriteRequestsPer1k > 0).map((r) => r.ddbWcuPer1k / r.ddbWriteRequestsPer1k),
  );

/**
 * Read units per item read when the bench split them (results.ts `units`): the first read of a batch is eventually
 * consistent (half a unit), conflicts re-read strongly; undefined for results from before the split.
 */
export const rruPerItemRead = (results: DesignResult[]): number | undefined => {
  const split = results.filter((r) => r.units !== undefined && r.ddbReadRequestsPer1k > 0);
  if (split.length === 0) return undefined;
  const units = sum(split, (r) => Object.values(r.units?.rcuPer1k ?? {}).reduce((a, b) => a + b, 0));
  return units / sum(split, (r) => r.ddbReadRequestsPer1k);
};

/** Unit sizes pooled over both workloads (ratios of sums, so neither workload's record count dominates by accident). */
const pooled = (results: DesignResult[], fallback: DesignCalibration): DesignCalibration => {
  const writes = sum(results, (r) => r.ddbWriteRequestsPer1k);
  return {
    ...fallback,
    cpuMsPer1k: sum(results, (r) => r.cpuMsPer1k) / results.length,
    wcuPerItemWrite: writes > 0 ? largestWcuPerItemWrite(results) : fallback.wcuPerItemWrite,
    wcuIncludesIndexes: writes > 0,
    readsPerItemWrite:
      writes > 0 ? sum(results, (r) => r.ddbReadRequestsPer1k) / writes : fallback.readsPerItemWrite,
    rruPerItemRead: rruPerItemRead(results) ?? fallback.rruPerItemRead,
  };
};

/**
 * CPU grows with DynamoDB writes (each is an SDK request): fit cpu/1k = base + perWrite × writes/1k through the two
 * workloads, which differ mostly in writes per record. Falls back to the mean when they cannot separate the two.
 */
const fitCpu = (results: DesignResult[]): { base: number; perWrite: number } | undefined => {
  const [a, b] = results;
  if (a === undefined || b === undefined) return undefined;
  const dw = b.ddbWriteRequestsPer1k - a.ddbWriteRequestsPer1k;
  if (Math.abs(dw) < 1) return undefined;
  const perWrite = (b.cpuMsPer1k - a.cpuMsPer1k) / dw;
  const base = a.cpuMsPer1k - perWrite * a.ddbWriteRequestsPer1k;
  return perWrite >= 0 && base >= 0 ? { base, perWrite } : undefined;
};

const measured = (r: DesignResult, fallback: DesignCalibration): DesignCalibration => ({
  ...fallback,
  cpuMsPer1k: r.cpuMsPer1k,
  measuredWritesPer1k: r.ddbWriteRequestsPer1k,
  measuredReadsPer1k: r.ddbReadRequestsPer1k,
  measuredWcuPer1k: Math.max(r.ddbWcuPer1k, r.ddbWriteRequestsPer1k),
  wcuIncludesIndexes: true,
  rruPerItemRead: rruPerItemRead([r]) ?? fallback.rruPerItemRead,
});

const withCpuFit = (c: DesignCalibration, results: DesignResult[]): DesignCalibration => {
  const fit = fitCpu(results);
  return fit ? { ...c, cpuMsPer1k: fit.base, cpuMsPerItemWrite: fit.perWrite } : c;
};

export const calibrationFrom = (
  results: BenchResults | undefined,
  name: CalibrationName,
  where: string,
): Calibration => {
  if (results === undefined) {
    if (name !== 'model')
      throw new Error(`--calibration ${name} needs ${where}: run \`npm run bench\` first`);
    return DEFAULT_CALIBRATION;
  }
  const d = DEFAULT_CALIBRATION;
  if (name === 'model') {
    const workloads = Object.values(results.workloads);
    return {
      ...d,
      source: `${where} (unit sizes and CPU per record/per write fitted over hot + wide; coalescing modelled for this scenario)`,
      fleetstream: withCpuFit(
        pooled(
          workloads.map((w) => w.fleetstream),
          d.fleetstream,
        ),
        workloads.map((w) => w.fleetstream),
      ),
      naive: pooled(
        workloads.map((w) => w.naive),
        d.naive,
      ),
    };
  }
  const w = results.workloads[name as WorkloadName];
  return {
    ...d,
    source: `${where} ("${name}" workload's measured per-1k ratios, ${w.records} records / ${w.devices} devices)`,
    fleetstream: measured(w.fleetstream, d.fleetstream),
    naive: measured(w.naive, d.naive),
  };
};
