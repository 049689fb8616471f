/**
 * What the window planners share. A device's window plans in one batch all have the same device, retention and
 * topic incarnation: that is the `WindowContext`, passed once instead of threaded through every call; the minute being
 * planned is a `Minute`.
 */
import type { BatchRecord } from '#core/batch-record.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { WindowItem } from '#core/items/window.ts';

export interface WindowContext {
  readonly deviceId: string;
  /** Days a window item is kept after its minute ends (its TTL). */
  readonly retentionDays: number;
  /** Incarnation of the topic the batch's records come from (watermark.ts `incarnationOf`). */
  readonly source: string;
}

/** One minute of a device: its start, its window item as read, and the batch's records of it. */
export interface Minute {
  /** `YYYY-MM-DDTHH:mmZ`. */
  readonly start: string;
  /** The window item as read (undefined = absent or not read). */
  readonly stored: WindowItem | undefined;
  readonly records: readonly BatchRecord[];
}

/** A window item write, conditional on the version read (null = the item must not exist). */
export interface WindowPlan {
  item: WindowItem;
  expectedVersion: number | null;
  /** The device item it was planned with, when that device's closed window may belong in it (closed.ts). */
  device?: DeviceItem;
}
