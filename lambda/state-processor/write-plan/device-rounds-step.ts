/**
 * Step 4: the devices, round after round. A round writes each device plan (plain devices alone; counted ones in
 * fleet-count transactions per counting partition), then re-plans the devices that had records left for another
 * round (device-round.ts); the next round writes those.
 */
import { forEachLimit } from '#core/concurrency.ts';
import type { DevicePlan } from '#core/device.ts';
import type { WriteContext } from './context.ts';
import { byCountingPartition, CountedPartition, type CountedShared } from './counted-devices.ts';
import { replanDevice } from './device-replan.ts';
import { countingKeyOf } from './fleet-items.ts';
import { type RoundOutcome, writePlainDevice } from './plain-devices.ts';

export type DeviceRoundsShared = Omit<CountedShared, 'round'>;

export const writeDeviceRounds = async (
  context: WriteContext,
  shared: DeviceRoundsShared,
  devices: readonly DevicePlan[],
): Promise<void> => {
  for (let round = devices; round.length > 0; ) round = await writeDeviceRound(context, shared, round);
};

/** Writes one round of device plans; returns the next round of those that had more records. */
const writeDeviceRound = async (
  context: WriteContext,
  shared: DeviceRoundsShared,
  plans: readonly DevicePlan[],
): Promise<DevicePlan[]> => {
  const round: RoundOutcome = { unfinished: [], counted: [] };
  await forEachLimit(plans, context.concurrency, (first) => writePlainDevice(context, first, round));
  const groups = byCountingPartition(round.counted, (d) => countingKeyOf(context.planner, d));
  await forEachLimit(groups, context.concurrency, ({ at, devices }) =>
    new CountedPartition(context, { ...shared, round }, at, devices).write(),
  );
  const next: DevicePlan[] = [];
  await forEachLimit(round.unfinished, context.concurrency, async (deviceId) => {
    const replanned = await replanDevice(context, deviceId);
    if (replanned) next.push(replanned);
  });
  return next;
};
