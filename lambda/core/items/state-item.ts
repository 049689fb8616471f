/** The items the processor reads and writes in the state table, and lookup of one among those read. */
import type { DeviceItem } from './device.ts';
import type { FleetItem } from './fleet.ts';
import { type ItemKey, itemId } from './keys.ts';
import type { WindowItem } from './window.ts';

export type StateItem = DeviceItem | WindowItem | FleetItem;

/** The item of `key` among those read (keyed by `itemId`); undefined = absent or not read. */
export const itemIn = <T extends StateItem>(
  items: ReadonlyMap<string, StateItem>,
  key: ItemKey,
): T | undefined => items.get(itemId(key)) as T | undefined;
