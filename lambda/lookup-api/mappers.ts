import { readCounts } from '#core/data-map.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetDevicesItem, FleetItem } from '#core/items/fleet.ts';
import type { Registry } from '#core/registry.ts';
import { ruleMapOf } from '#core/rule-maps.ts';
import type { Rule, Severity } from '#core/rules.ts';
import type { DeviceWindow } from '#core/window/read.ts';

// Pure item → response mappers: the API's JSON shapes (docs/openapi.json) live here.

export interface Stats {
  min: number;
  max: number;
  avg: number;
}

export interface ActiveAlertView {
  ruleId: string;
  severity: Severity | null;
  alertId: string | null;
  message: string | null;
  at: string | null;
}

export interface DeviceSummaryView {
  deviceId: string;
  model: string;
  interface: string;
  status: string;
  cpuUsage: number;
  memoryUsage: number;
  eventTime: string;
  firstSeen: string;
  lastSeen: string;
  recordCount: number;
  downCount: number;
  cpu: Stats;
  memory: Stats;
  interfaces: string[];
  registry: Registry | null;
}

export interface DeviceView extends DeviceSummaryView {
  activeAlerts: ActiveAlertView[];
}

export interface WindowView {
  start: string;
  count: number;
  cpu: { avg: number; max: number };
  memory: { avg: number; max: number };
  downCount: number;
}

export interface FleetView {
  devices: number;
  records: number;
  byStatus: Record<string, number>;
  byModel: Record<string, { devices: number; records: number; down: number }>;
}

export interface AlertView {
  alertId: string;
  deviceId: string;
  ruleId: string;
  severity: Severity;
  message: string;
  at: string;
  registry: Registry | null;
}

export type RuleView = Rule & { updatedAt?: string };

/** Two decimals: averages of integers are for people, not for further arithmetic. */
const round2 = (value: number): number => Math.round(value * 100) / 100;

const average = (sum: number, count: number): number => (count > 0 ? round2(sum / count) : 0);

/** Canonical ISO form for any stored time (window starts are stored as minutes, `YYYY-MM-DDTHH:mmZ`). */
const isoTime = (value: string): string => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

/**
 * A registry table row without its key, or null when there is none. Attribute names are data (any CSV header), so
 * the view is built with Object.fromEntries: each name becomes an own property, `__proto__` and `constructor` too.
 */
export const registryFromRow = (row: Record<string, unknown> | undefined): Registry | null => {
  if (row === undefined) return null;
  return Object.fromEntries(
    Object.entries(row)
      .filter(([name, value]) => name !== 'deviceId' && value !== undefined && value !== null)
      .map(([name, value]) => [name, String(value)]),
  );
};

export const toDeviceSummary = (item: DeviceItem): DeviceSummaryView => ({
  deviceId: item.deviceId,
  model: item.model,
  interface: item.interface,
  status: item.status,
  cpuUsage: item.cpuUsage,
  memoryUsage: item.memoryUsage,
  eventTime: isoTime(item.eventTime),
  firstSeen: isoTime(item.firstSeen),
  lastSeen: isoTime(item.lastSeen),
  recordCount: item.recordCount,
  downCount: item.downCount,
  cpu: { min: item.cpuMin, max: item.cpuMax, avg: average(item.cpuSum, item.recordCount) },
  memory: { min: item.memoryMin, max: item.memoryMax, avg: average(item.memorySum, item.recordCount) },
  interfaces: [...(item.interfaces ?? [])].sort(),
  registry: item.registry ?? null,
});

/**
 * The full device: the registry row read now (it may have changed since processing; null if none) and one entry per
 * active episode: each open episode (`openAlerts`: threshold rules firing, silence alerts) with its alert, and each
 * firing rule without one (a device item written before episodes) with the latest alert that rule raised for the
 * device when one is at hand.
 */
export const toDeviceView = (
  item: DeviceItem,
  registry: Registry | null,
  alerts: readonly AlertItem[],
  rules: ReadonlyMap<string, Pick<Rule, 'severity'>> = new Map(),
): DeviceView => ({
  ...toDeviceSummary(item),
  registry,
  activeAlerts: activeAlerts(item, alerts, rules),
});

/** Each active rule of the device (open episodes and firing rules, sorted) with its alert among `alerts`, if any. */
export const activeAlertsByRule = (
  device: Pick<DeviceItem, 'firing' | 'openAlerts'>,
  alerts: readonly AlertItem[],
): Map<string, AlertItem | undefined> => {
  const open = ruleMapOf(device.openAlerts);
  const byKey = new Map(alerts.map((alert) => [alert.alertKey, alert]));
  const latest = new Map<string, AlertItem>();
  for (const alert of alerts) {
    const seen = latest.get(alert.ruleId);
    if (seen === undefined || alert.alertKey > seen.alertKey) latest.set(alert.ruleId, alert);
  }
  const ruleIds = [...new Set([...(device.firing ?? []), ...open.keys()])].sort();
  return new Map(
    ruleIds.map((ruleId) => {
      const key = open.get(ruleId);
      return [ruleId, key === undefined ? latest.get(ruleId) : byKey.get(key)];
    }),
  );
};

export const activeAlerts = (
  device: Pick<DeviceItem, 'firing' | 'openAlerts'>,
  alerts: readonly AlertItem[],
  rules: ReadonlyMap<string, Pick<Rule, 'severity'>>,
): ActiveAlertView[] =>
  [...activeAlertsByRule(device, alerts)].map(([ruleId, alert]) =>
    alert === undefined
      ? { ruleId, severity: rules.get(ruleId)?.severity ?? null, alertId: null, message: null, at: null }
      : {
          ruleId,
          severity: alert.severity,
          alertId: alert.alertId,
          message: alert.message,
          at: isoTime(alert.at),
        },
  );

export const toWindowView = (item: DeviceWindow): WindowView => ({
  start: isoTime(item.start),
  count: item.count,
  cpu: { avg: average(item.cpuSum, item.count), max: item.cpuMax },
  memory: { avg: average(item.memorySum, item.count), max: item.memoryMax },
  downCount: item.downCount,
});

const isFleetItem = (item: { sk: string }): boolean => item.sk.startsWith('RECORDS#');
const isLegacyShard = (item: { sk: string }): boolean => item.sk.startsWith('DEVICES#');

/**
 * Adds an item's counts by name (statuses and models are data, hence a Map). Stored keys are decoded (a model named
 * `constructor` is stored as `~constructor`); counts beyond an item's bounds (`~other`) belong to no name and are left
 * out of the per-name maps (the fleet's totals still hold them). Anything but a finite number is skipped.
 */
const addTo = (target: Map<string, number>, source: Record<string, unknown> | undefined) => {
  for (const [name, value] of readCounts(source).byName)
    if (Number.isFinite(value)) target.set(name, (target.get(name) ?? 0) + value);
};

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Sums the FLEET items: record and device counts per source partition, and device counts of older hash shards. */
export const sumFleet = (items: ReadonlyArray<FleetItem | FleetDevicesItem>): FleetView => {
  let devices = 0;
  let records = 0;
  const byStatus = new Map<string, number>();
  const modelRecords = new Map<string, number>();
  const modelDevices = new Map<string, number>();
  const modelDown = new Map<string, number>();
  for (const item of items) {
    // A partition's fleet item holds record counts and device-count changes; a devices shard (older versions)
    // holds device counts only.
    if (isFleetItem(item)) {
      const fleetItem = item as FleetItem;
      records += count(fleetItem.records);
      addTo(modelRecords, fleetItem.byModel);
    }
    if (isFleetItem(item) || isLegacyShard(item)) {
      const counts = item as Partial<FleetDevicesItem>;
      devices += count(counts.devices);
      addTo(byStatus, counts.byStatus);
      addTo(modelDevices, counts.byModelDevices);
      addTo(modelDown, counts.byModelDown);
    }
  }
  const models = [...new Set([...modelRecords.keys(), ...modelDevices.keys(), ...modelDown.keys()])].sort();
  const byModel = Object.fromEntries(
    models.map((model) => [
      model,
      {
        devices: modelDevices.get(model) ?? 0,
        records: modelRecords.get(model) ?? 0,
        down: modelDown.get(model) ?? 0,
      },
    ]),
  );
  // A status whose last device moved away stays in the count maps as 0; it is not part of the fleet any more.
  return {
    devices,
    records,
    byStatus: Object.fromEntries([...byStatus].filter(([, n]) => n !== 0)),
    byModel,
  };
};

export const toAlertView = (item: AlertItem): AlertView => ({
  alertId: item.alertId,
  deviceId: item.deviceId,
  ruleId: item.ruleId,
  severity: item.severity,
  message: item.message,
  at: isoTime(item.at),
  registry: item.registry ?? null,
});

/** A stored rule as the API answers it: the document plus updatedAt, without any other stored attribute. */
export const toRuleView = (item: Record<string, unknown>): RuleView => {
  const { ruleId, description, when, models, registry, severity, enabled, updatedAt } =
    item as unknown as RuleView;
  const view: RuleView = { ruleId, when, severity, enabled };
  if (description !== undefined) view.description = description;
  if (models !== undefined) view.models = models;
  if (registry !== undefined) view.registry = registry;
  if (updatedAt !== undefined) view.updatedAt = updatedAt;
  return view;
};
