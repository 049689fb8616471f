/**
 * A device whose fleet contribution (exists, model, status) is unchanged: written alone, as a put, or in one
 * transaction with the window items it closes or passes over; then the copy of a minute it closed. A device whose
 * contribution changes (at first, or once re-planned) is handed over to the fleet-count transactions instead.
 */
import type { DevicePlan } from '#core/device.ts';
import { sameContribution } from '#core/fleet-devices.ts';
import { writeAlerts } from './alerts-step.ts';
import { transact, type WriteContext } from './context.ts';
import { writeConverging } from './converge.ts';
import { replanDevice } from './device-replan.ts';
import { unitWrites } from './transaction-chunk.ts';
import { writeWindows } from './windows-step.ts';

/** What one round of device writes leaves for later. */
export interface RoundOutcome {
  /** Devices with records left for another round (device-round.ts): re-planned after this one. */
  readonly unfinished: string[];
  /** Devices whose fleet contribution changes: written with their counting partition's fleet item. */
  readonly counted: DevicePlan[];
}

export const writePlainDevice = async (
  context: WriteContext,
  first: DevicePlan,
  round: RoundOutcome,
): Promise<void> => {
  await writeConverging(context, first, {
    write: async (planned) => {
      if (!sameContribution(planned.before, planned.after)) {
        round.counted.push(planned);
        return true;
      }
      await writeAlerts(context, [planned]);
      const writes = unitWrites(planned);
      const [only] = writes;
      const written =
        writes.length === 1 && only
          ? await context.store.put(only)
          : (await transact(context, writes)).length === 0;
      if (!written) return false;
      context.stats.itemWrites += writes.length;
      await writeWindows(context, planned.afterDevice);
      if (planned.more) round.unfinished.push(planned.item.deviceId);
      return true;
    },
    replan: (planned) => replanDevice(context, planned.item.deviceId),
  });
};
