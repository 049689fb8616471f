/** Per-minute window shapes: the statistics, the device item's open and closed windows, the window item. */
import type { Offsets } from '#core/watermark.ts';
import type { ItemKey } from './keys.ts';

/** Per-minute window statistics (sums kept exact to 0.001, see exact-sum.ts). */
export interface WindowStats {
  count: number;
  cpuSum: number;
  cpuMax: number;
  memorySum: number;
  memoryMax: number;
  downCount: number;
}

/**
 * The device's latest minute, kept inside the device item so a hot device costs one write per batch, not two.
 * `offsets` = highest offset per partition of the records folded here (a window item's watermark once closed).
 */
export interface OpenWindow extends WindowStats {
  start: string;
  offsets: Offsets;
}

/**
 * The minute a device closed last, kept in the device item until its window item is known to be written: a close is
 * then a plain write of the device and one of the window item, instead of one transaction holding both (which DynamoDB
 * bills twice). `at` = the version of the device item that closed it; the window item records it in `closedAt` once
 * it holds this closed window. See window/closed.ts.
 */
export interface ClosedWindow extends WindowStats {
  start: string;
  /** Incarnation of the topic `offsets` belongs to. */
  source?: string;
  offsets: Offsets;
  at: number;
  /** Epoch seconds its window item expires at (TTL): readers stop adding it then, as its item would be gone. */
  expiresAt: number;
}

export interface WindowItem extends ItemKey, WindowStats {
  deviceId: string;
  start: string;
  /** Incarnation of the topic `offsets` belongs to. */
  source?: string;
  offsets: Offsets;
  /** The `at` of the device's closed window this item holds (absent: it holds none). */
  closedAt?: number;
  version: number;
  expiresAt: number;
}
