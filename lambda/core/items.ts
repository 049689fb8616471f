/**
 * DynamoDB item shapes and key builders: the single source of truth for the processor, the lookup API,
 * the infrastructure and the tests. See docs/DATA_MODEL.md. Pure: no AWS imports.
 */

export const STATE_SK = 'STATE';
export const FLEET_PK = 'FLEET';
export const FLEET_DEVICE_SHARDS = 16;
export const DOWN_STATUS = 'down';

/**
 * Watermarks: partition number → highest offset already folded into the item, for the item's `source` (cluster id +
 * topic, see watermark.ts). Items written before sources were recorded are keyed "<topic>-<partition>".
 */
export type Offsets = Record<string, number>;

export interface ItemKey {
  pk: string;
  sk: string;
}

export const deviceKey = (deviceId: string): ItemKey => ({ pk: `DEVICE#${deviceId}`, sk: STATE_SK });

/** Minute start as `YYYY-MM-DDTHH:mmZ`. */
export const windowStart = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 16)}Z`;

export const windowKey = (deviceId: string, start: string): ItemKey => ({
  pk: `DEVICE#${deviceId}`,
  sk: `WIN#${start}`,
});

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

export const sourceKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** A device's registry attributes (null prototype when built by FleetStream; bounded, see registry.ts). */
export type Registry = Record<string, string>;

/** Where a record came from in Kafka. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: number;
}

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
 * it holds this closed window. See closed-window.ts.
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
  /** Incarnation of the topic the watermarks (`offsets`, `openWindow.offsets`) belong to. */
  source?: string;
  offsets: Offsets;
  /** Absent only on items written before open windows existed (then every minute is a window item). */
  openWindow?: OpenWindow;
  /** The last minute closed, until its window item is known written (absent when none is pending). */
  closedWindow?: ClosedWindow;
  version: number;
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

export interface AlertItem {
  deviceId: string;
  alertKey: string;
  alertId: string;
  ruleId: string;
  severity: Severity;
  message: string;
  at: string;
  day: string;
  model: string;
  registry: Registry | null;
  field: RuleField;
  value: string | number;
  topic: string;
  partition: number;
  offset: number;
}

export const alertKey = (at: string, alertId: string): string => `${at}#${alertId}`;

export type RuleField = 'interfacestatus' | 'cpuusage' | 'memoryusage';
export type RuleOp = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type Severity = 'info' | 'warning' | 'critical';

export interface Rule {
  ruleId: string;
  description?: string;
  when: { field: RuleField; op: RuleOp; value: string | number };
  models?: string[];
  registry?: Registry;
  severity: Severity;
  enabled: boolean;
}
