/** Fleet aggregate items: one per source partition, and the device-count shards of older versions. */
import type { ItemKey } from './keys.ts';

/**
 * A source partition's fleet item: the records folded from that partition (watermarked by `offset`), and the
 * device-count changes committed through it (fleet-devices.ts; absent until the first one). Readers sum every
 * partition's item; a partition's device counts alone can be negative.
 */
export interface FleetItem extends ItemKey {
  topic: string;
  partition: number;
  records: number;
  /** Model → records; bounded, escaped keys (data-map.ts, docs/DATA_MODEL.md). */
  byModel: Record<string, number>;
  /** Incarnation of the topic `offset` belongs to. */
  source?: string;
  offset: number;
  devices?: number;
  /** Status / model → devices; bounded, escaped keys, like `byModel`. */
  byStatus?: Record<string, number>;
  byModelDevices?: Record<string, number>;
  byModelDown?: Record<string, number>;
  version: number;
}

/** Device counts as older versions kept them, in 16 hash shards (read, never written: see fleetDevicesKey). */
export interface FleetDevicesItem extends ItemKey {
  devices: number;
  /** Status / model → devices; bounded, escaped keys (data-map.ts, docs/DATA_MODEL.md). */
  byStatus: Record<string, number>;
  byModelDevices: Record<string, number>;
  byModelDown: Record<string, number>;
  version: number;
}
