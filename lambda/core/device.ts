/**
 * Plans the new device item (state + lifetime aggregates + edge-trigger state + open window) from the item read and
 * the batch's records for that device, with the window items the batch touches. Returns null when every record is
 * already folded (a replay): nothing to write.
 */
import { type BatchRecord, sortByEventOrder } from './batch-record.ts';
import { DEFAULT_WINDOW_RETENTION_DAYS } from './contract/index.ts';
import { foldAggregates } from './device-aggregates.ts';
import { foldAlerting } from './device-alerting.ts';
import { takeRound } from './device-round.ts';
import type { CurrentState } from './device-state.ts';
import type { FleetContribution } from './fleet-devices.ts';
import type { AlertItem, AlertResolve } from './items/alert.ts';
import type { DeviceItem } from './items/device.ts';
import { deviceKey, windowStart } from './items/keys.ts';
import type { WindowItem } from './items/window.ts';
import type { Registry } from './registry.ts';
import { storedRuleMap } from './rule-maps.ts';
import type { Rule } from './rules.ts';
import { advanceWatermarks, isAboveWatermark, type Offsets, unfolded, watermarksFor } from './watermark.ts';
import { planMinuteWindow } from './window/closed.ts';
import type { WindowPlan } from './window/context.ts';
import { type DeviceWindowsPlan, planDeviceWindows } from './window/open.ts';

export interface DevicePlan {
  item: DeviceItem;
  /** Version read (the write is conditional on it); null = the item must not exist yet. */
  expectedVersion: number | null;
  before: FleetContribution | null;
  after: FleetContribution;
  /** Alerts raised by this batch's records, in event order. */
  alerts: AlertItem[];
  /** Open episodes this batch's records end (device-alerting.ts): written with the alerts, before the device. */
  resolves: AlertResolve[];
  /** Window items of late minutes (before the open minute read): written on their own, before the device. */
  late: WindowPlan[];
  /** Window items of the minute this batch closes and of minutes it passes over: in the device's transaction. */
  withDevice: WindowPlan[];
  /** The copy of the minute this batch closed into the device's closed window: written after the device. */
  afterDevice: WindowPlan[];
  /** Records of this device are left for another round (see device-round.ts): re-plan after writing this one. */
  more: boolean;
}

export interface DeviceContext {
  rules: readonly Rule[];
  /** The device's registry row, or null when it has none. */
  registry: Registry | null;
  /** The window item of a minute as read (undefined = absent or not read). @default none read */
  windowOf?: (start: string) => WindowItem | undefined;
  /** @default 7 */
  windowRetentionDays?: number;
  /** Incarnation of the topic the records come from (watermark.ts `incarnationOf`). @default '' */
  source?: string;
  /** Processing-clock epoch ms of the batch: stamped as the item's `processedAt` (the silence sweep). @default none */
  now?: number;
}

export const contributionOf = (item: { model: string; status: string }): FleetContribution => ({
  model: item.model,
  status: item.status,
});

/** The new records this write folds (a round of them, in event order) and the records its windows are planned from. */
interface Round {
  watermark: ReturnType<typeof watermarksFor>;
  fresh: BatchRecord[];
  /** The batch's records of the minutes this round plans. */
  records: readonly BatchRecord[];
  more: boolean;
}

const roundOf = (
  current: DeviceItem | undefined,
  records: readonly BatchRecord[],
  source: string,
): Round | null => {
  const watermark = watermarksFor(current, source);
  const round = takeRound(unfolded(watermark, records));
  const fresh = sortByEventOrder(round.taken);
  if (fresh.length === 0) return null;
  // A partial round plans only the minutes of the records it takes (the others are already in their windows).
  const roundMinutes = new Set(fresh.map((r) => windowStart(r.record.eventTimeMs)));
  const roundRecords = round.more
    ? [
        ...fresh,
        ...records.filter(
          (r) => !isAboveWatermark(watermark, r) && roundMinutes.has(windowStart(r.record.eventTimeMs)),
        ),
      ]
    : records;
  return { watermark, fresh, records: roundRecords, more: round.more };
};

/** What the device item is made of, besides its key and windows. */
interface DeviceFold {
  state: CurrentState;
  aggregates: NonNullable<ReturnType<typeof foldAggregates>>;
  firing: string[];
  openAlerts: ReadonlyMap<string, string>;
  pendingSince: ReadonlyMap<string, string>;
  registry: Registry | null;
  source: string;
  offsets: Offsets;
  processedAt?: string;
}

/** A rule-keyed map attribute of the device item, left out when empty. */
const ruleMapAttribute = <K extends 'openAlerts' | 'pendingSince'>(
  name: K,
  map: ReadonlyMap<string, string>,
) => {
  const stored = storedRuleMap(map);
  return stored === undefined ? {} : { [name]: stored };
};

const deviceItemOf = (
  deviceId: string,
  fold: DeviceFold,
  windows: DeviceWindowsPlan,
  version: number,
): DeviceItem => {
  const { state, aggregates } = fold;
  return {
    ...deviceKey(deviceId),
    deviceId,
    model: state.model,
    interface: state.interface,
    status: state.status,
    cpuUsage: state.cpuUsage,
    memoryUsage: state.memoryUsage,
    eventTime: state.eventTime,
    stateSource: state.stateSource,
    firstSeen: aggregates.firstSeen,
    lastSeen: aggregates.lastSeen,
    recordCount: aggregates.recordCount,
    downCount: aggregates.downCount,
    cpuMin: aggregates.cpuMin,
    cpuMax: aggregates.cpuMax,
    cpuSum: aggregates.cpuSum,
    memoryMin: aggregates.memoryMin,
    memoryMax: aggregates.memoryMax,
    memorySum: aggregates.memorySum,
    interfaces: aggregates.interfaces,
    ...(aggregates.interfacesOverflow ? { interfacesOverflow: aggregates.interfacesOverflow } : {}),
    ...(fold.registry !== null ? { registry: fold.registry } : {}),
    firing: fold.firing,
    ...ruleMapAttribute('openAlerts', fold.openAlerts),
    ...ruleMapAttribute('pendingSince', fold.pendingSince),
    source: fold.source,
    offsets: fold.offsets,
    openWindow: windows.openWindow,
    ...(windows.closedWindow !== undefined ? { closedWindow: windows.closedWindow } : {}),
    ...(fold.processedAt !== undefined ? { processedAt: fold.processedAt } : {}),
    version,
  };
};

export const planDevice = (
  deviceId: string,
  current: DeviceItem | undefined,
  records: readonly BatchRecord[],
  context: DeviceContext,
): DevicePlan | null => {
  const source = context.source ?? '';
  const round = roundOf(current, records, source);
  if (round === null) return null;
  const alerting = foldAlerting(current, round.fresh, context);
  const { state, firing, openAlerts, pendingSince } = alerting;
  const aggregates = foldAggregates(
    current,
    round.fresh.map((r) => r.record),
  );
  if (state === undefined || aggregates === undefined) return null; // unreachable: fresh is non-empty
  const version = (current?.version ?? 0) + 1;
  const windowContext = {
    deviceId,
    retentionDays: context.windowRetentionDays ?? DEFAULT_WINDOW_RETENTION_DAYS,
    source,
  };
  const windows = planDeviceWindows(windowContext, {
    current,
    records: round.records,
    fresh: round.fresh,
    windowOf: context.windowOf ?? (() => undefined),
    version,
  });
  const offsets = advanceWatermarks(round.watermark, round.fresh);
  const fold = {
    state,
    aggregates,
    firing,
    openAlerts,
    pendingSince,
    registry: context.registry,
    source,
    offsets,
    processedAt: context.now === undefined ? current?.processedAt : new Date(context.now).toISOString(),
  };
  const item = deviceItemOf(deviceId, fold, windows, version);
  // A minute closed in this write is copied to its window item right after it (window/closed.ts).
  const closedNow = windows.closedWindow?.at === item.version ? windows.closedWindow : undefined;
  const copy =
    closedNow &&
    planMinuteWindow(windowContext, { start: closedNow.start, stored: undefined, records: [] }, item);
  return {
    item,
    expectedVersion: current?.version ?? null,
    before: current ? contributionOf(current) : null,
    after: contributionOf(item),
    alerts: alerting.alerts,
    resolves: alerting.resolves,
    late: windows.late,
    withDevice: windows.withDevice,
    afterDevice: copy ? [{ ...copy, device: item }] : [],
    more: round.more,
  };
};
