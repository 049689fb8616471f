/** The device item (`DEVICE#<id> / STATE`): current state, lifetime aggregates, edge-trigger state, open window. */
import type { Registry } from '#core/registry.ts';
import type { Offsets, SourcePosition } from '#core/watermark.ts';
import type { ItemKey } from './keys.ts';
import type { ClosedWindow, OpenWindow } from './window.ts';

/** The interface status that counts as down (downCount, byModelDown). */
export const DOWN_STATUS = 'down';

export interface DeviceItem extends ItemKey {
  deviceId: string;
  model: string;
  interface: string;
  status: string;
  cpuUsage: number;
  memoryUsage: number;
  eventTime: string;
  /** Source of the record holding the current state: breaks event_time ties by (partition, offset). */
  stateSource?: SourcePosition;
  firstSeen: string;
  lastSeen: string;
  recordCount: number;
  downCount: number;
  cpuMin: number;
  cpuMax: number;
  cpuSum: number;
  memoryMin: number;
  memoryMax: number;
  memorySum: number;
  /** Distinct interface names, sorted, at most MAX_INTERFACES (the smallest names are kept). */
  interfaces: string[];
  /** Records whose interface was not among the kept names when folded (absent = none). */
  interfacesOverflow?: number;
  registry?: Registry;
  firing: string[];
  /**
   * The alert item of each open episode (ruleId → alertKey): threshold rules in `firing` that raised one, and silence
   * rules the sweep marked. Absent on items written before episodes (their alerts' state is derived, alert-episode.ts).
   */
  openAlerts?: Record<string, string>;
  /** Threshold rules with `forSeconds` whose condition holds but not yet long enough (ruleId → event_time it began). */
  pendingSince?: Record<string, string>;
  /** Processing-clock time of this write (the silence sweep's "last processed"); absent on older items. */
  processedAt?: string;
  /** Incarnation of the topic the watermarks (`offsets`, `openWindow.offsets`) belong to. */
  source?: string;
  offsets: Offsets;
  /** Absent only on items written before open windows existed (then every minute is a window item). */
  openWindow?: OpenWindow;
  /** The last minute closed, until its window item is known written (absent when none is pending). */
  closedWindow?: ClosedWindow;
  version: number;
}
