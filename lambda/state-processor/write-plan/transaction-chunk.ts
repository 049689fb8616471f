/**
 * How device writes are packed into transactions: a device with the window items it closes or passes over (a unit
 * that commits together), and as many units as fit beside their partition's fleet item.
 */
import { documentItemBytes } from '#adapters/item-size.ts';
import { DYNAMODB_LIMITS } from '#core/contract/index.ts';
import type { DevicePlan } from '#core/device.ts';
import type { ConditionalWrite } from '#core/ports.ts';
import { toWrite } from './context.ts';

/** DynamoDB allows 100 items per transaction (each item at most once) and 4 MB in all. */
export const ITEMS_PER_TRANSACTION = DYNAMODB_LIMITS.itemsPerTransaction;
export const TRANSACTION_BYTES = DYNAMODB_LIMITS.transactionBytes;
/** Room left for the partition's fleet item: DynamoDB's item limit (its 4 count maps are bounded well below it). */
const FLEET_ITEM_MARGIN_BYTES = DYNAMODB_LIMITS.itemBytes;

/** A device's writes that must commit together: the device, and the window items it closes or passes over. */
export const unitWrites = (d: DevicePlan): ConditionalWrite[] => [toWrite(d), ...d.withDevice.map(toWrite)];

/**
 * The longest prefix of devices whose writes fit in one transaction beside their fleet item: at most 100 items and
 * 4 MB (measured as marshalled, with room for the fleet item); at least one device.
 */
export const takeChunk = (pending: readonly DevicePlan[]): DevicePlan[] => {
  let items = 0;
  let bytes = 0;
  let count = 0;
  for (const d of pending) {
    const writes = unitWrites(d);
    items += writes.length;
    bytes += writes.reduce((sum, w) => sum + documentItemBytes(w.item), 0);
    if (
      (items > ITEMS_PER_TRANSACTION - 1 || bytes > TRANSACTION_BYTES - FLEET_ITEM_MARGIN_BYTES) &&
      count > 0
    )
      break;
    count += 1;
  }
  return pending.slice(0, count);
};
