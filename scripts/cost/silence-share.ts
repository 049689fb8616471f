/**
 * Silence detection next to the pipeline it watches: the scenario's fleet rescaled to each size (same records per
 * device per second, same record size, same assumptions), the pipeline priced by the model at that size and the
 * sweep by pricing/silence.ts on the model's own batching (invocations a minute) and reporting devices.
 */

import { PRESENCE_SLOT_MS } from '#core/items/presence.ts';
import { table, usd } from './format.ts';
import {
  type Assumptions,
  type Calibration,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_CALIBRATION,
  type Scenario,
} from './inputs.ts';
import { computeCost, expectedDistinct } from './model.ts';
import type { PriceTable } from './prices.ts';
import {
  DEFAULT_SILENCE_ASSUMPTIONS,
  type SilenceAssumptions,
  type SilenceCost,
  type SilenceLoad,
  silenceCost,
} from './pricing/silence.ts';

const SLOT_SECONDS = PRESENCE_SLOT_MS / 1000;

/** The fleet sizes issue 21 asks about. */
export const SILENCE_FLEET_SIZES = [1000, 1_000_000] as const;

export interface SilenceShare {
  readonly devices: number;
  readonly recordsPerSecond: number;
  readonly silence: SilenceCost;
  /** FleetStream's pipeline bill at this size (the main model), without silence detection. */
  readonly pipelineUsd: number;
  /** Silence detection's share of the whole bill (pipeline + silence detection). */
  readonly share: number;
}

export interface SilenceShareInputs {
  readonly prices: PriceTable;
  readonly calibration?: Calibration;
  readonly assumptions?: Assumptions;
  readonly silence?: SilenceAssumptions;
}

/** The presence index's load at a size: devices reporting in a slot, processor invocations in a slot. */
export const silenceLoad = (
  scenario: Scenario,
  invocationsPerSecond: number,
  { recordsPerReport, partitions }: { recordsPerReport: number; partitions: number },
): SilenceLoad => ({
  devices: scenario.devices,
  reportingPerSlot: expectedDistinct(
    scenario.devices,
    (scenario.recordsPerSecond * SLOT_SECONDS) / recordsPerReport,
  ),
  invocationsPerSlot: invocationsPerSecond * SLOT_SECONDS,
  partitions,
});

/** The scenario's fleet at `devices` devices: its per-device rate and record size kept. */
export const rescale = (scenario: Scenario, devices: number): Scenario => ({
  devices,
  recordsPerSecond: (scenario.recordsPerSecond / scenario.devices) * devices,
  recordBytes: scenario.recordBytes,
});

export const silenceShare = (scenario: Scenario, inputs: SilenceShareInputs): SilenceShare => {
  const assumptions = inputs.assumptions ?? DEFAULT_ASSUMPTIONS;
  const report = computeCost(scenario, inputs.prices, inputs.calibration ?? DEFAULT_CALIBRATION, assumptions);
  const load = silenceLoad(scenario, report.derived.invocationsPerSecond, {
    recordsPerReport: assumptions.recordsPerReport,
    partitions: report.derived.partitions,
  });
  const silence = silenceCost(load, inputs.prices, inputs.silence ?? DEFAULT_SILENCE_ASSUMPTIONS);
  const pipelineUsd = report.fleetstream.totalUsd;
  return {
    devices: scenario.devices,
    recordsPerSecond: scenario.recordsPerSecond,
    silence,
    pipelineUsd,
    share: silence.totalUsd / (pipelineUsd + silence.totalUsd),
  };
};

const pct = (share: number) => `${(share * 100).toFixed(share < 0.001 ? 4 : 2)} %`;

export const formatSilenceShares = (
  shares: readonly SilenceShare[],
  a = DEFAULT_SILENCE_ASSUMPTIONS,
): string => {
  const sizes = shares.map((s) => `${s.devices.toLocaleString('en-US')} devices`);
  const items = shares[0]?.silence.lines.map((l) => `${l.service} ${l.item}`) ?? [];
  const rows = items.map((item, i) => [item, ...shares.map((s) => usd(s.silence.lines[i]?.usd ?? 0))]);
  return [
    `Silence detection (${a.rules} silence rule, sweep every ${a.sweepEverySeconds} s via EventBridge Scheduler; ` +
      'the fleet rescaled at this scenario’s records per device; docs/SCALING.md "Silence detection")',
    table(
      ['item', ...sizes],
      [
        ...rows,
        ['silence detection total', ...shares.map((s) => usd(s.silence.totalUsd))],
        ['sweep run (modelled ms)', ...shares.map((s) => s.silence.sweepDurationMs.toFixed(0))],
        ['pipeline at this size, without it', ...shares.map((s) => usd(s.pipelineUsd))],
        ['share of the whole bill', ...shares.map((s) => pct(s.share))],
        ['records/s at this size', ...shares.map((s) => s.recordsPerSecond.toLocaleString('en-US'))],
      ],
      [false, ...shares.map(() => true)],
    ),
  ].join('\n');
};
