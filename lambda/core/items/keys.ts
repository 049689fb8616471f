/**
 * The state table's keys: how each item is addressed (docs/DATA_MODEL.md). The single source of truth for the
 * processor, the lookup API, the infrastructure and the tests. Pure: no AWS imports.
 */

export const STATE_SK = 'STATE';
export const FLEET_PK = 'FLEET';
export const FLEET_DEVICE_SHARDS = 16;

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A map key for an item key. */
export const itemId = (key: ItemKey): string => `${key.pk}\n${key.sk}`;

export const deviceKey = (deviceId: string): ItemKey => ({ pk: `DEVICE#${deviceId}`, sk: STATE_SK });

/** Minute start as `YYYY-MM-DDTHH:mmZ`. */
export const windowStart = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 16)}Z`;

export const windowKey = (deviceId: string, start: string): ItemKey => ({
  pk: `DEVICE#${deviceId}`,
  sk: `WIN#${start}`,
});

/** The fleet item of a source partition: its record counts and the device-count changes committed through it. */
export const fleetItemKey = (topic: string, partition: number): ItemKey => ({
  pk: FLEET_PK,
  sk: `RECORDS#${topic}#${partition}`,
});

/**
 * Device-count shards of versions before device counts moved into the fleet partition items (fleet-devices.ts):
 * no longer written, still summed by readers, so a table written by an older version keeps its counts.
 */
export const fleetDevicesKey = (shard: number): ItemKey => {
  const nn = String(shard).padStart(2, '0');
  return { pk: `${FLEET_PK}#${nn}`, sk: `DEVICES#${nn}` };
};

/** Every fleet-devices shard key, for readers that sum them. */
export const allFleetDevicesKeys = (): ItemKey[] =>
  Array.from({ length: FLEET_DEVICE_SHARDS }, (_, shard) => fleetDevicesKey(shard));

/** A source partition's name in watermarks of items written before sources were recorded, and in alert ids. */
export const sourceKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export const alertKey = (at: string, alertId: string): string => `${at}#${alertId}`;
