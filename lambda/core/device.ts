/**
 * Plans the new device item (state + lifetime aggregates + edge-trigger state + open window) from the item read and
 * the batch's records for that device, with the window items the batch touches. Returns null when every record is
 * already folded (a replay): nothing to write.
 */
import { buildAlert } from './alerts.ts';
import { type BatchRecord, sortByEventOrder } from './batch-record.ts';
import { planMinuteWindow } from './closed-window.ts';
import { DEFAULT_WINDOW_RETENTION_DAYS } from './contract/index.ts';
import { foldAggregates } from './device-aggregates.ts';
import { takeRound } from './device-round.ts';
import { advancesState, type CurrentState, stateOf } from './device-state.ts';
import type { FleetContribution } from './fleet-devices.ts';
import {
  type AlertItem,
  type DeviceItem,
  deviceKey,
  type Registry,
  type Rule,
  type WindowItem,
  windowStart,
} from './items.ts';
import { planDeviceWindows } from './open-window.ts';
import { evaluateEdges } from './rules.ts';
import { advanceWatermarks, isAboveWatermark, unfolded, watermarksFor } from './watermark.ts';
import type { WindowPlan } from './window.ts';

export interface DevicePlan {
  item: DeviceItem;
  /** Version read (the write is conditional on it); null = the item must not exist yet. */
  expectedVersion: number | null;
  before: FleetContribution | null;
  after: FleetContribution;
  /** Alerts raised by this batch's records, in event order. */
  alerts: AlertItem[];
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
}

export const contributionOf = (item: { model: string; status: string }): FleetContribution => ({
  model: item.model,
  status: item.status,
});

export const planDevice = (
  deviceId: string,
  current: DeviceItem | undefined,
  records: readonly BatchRecord[],
  context: DeviceContext,
): DevicePlan | null => {
  const source = context.source ?? '';
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

  // Rules are evaluated on each record that advances the current state, in event order; late records
  // are history: they update aggregates, never state or firing.
  let state: CurrentState | undefined = current;
  let firing = current?.firing ?? [];
  const alerts: AlertItem[] = [];
  for (const r of fresh) {
    if (!advancesState(state, r)) continue;
    state = stateOf(r);
    const edges = evaluateEdges(context.rules, firing, r.record, context.registry);
    firing = edges.firing;
    for (const rule of edges.entered) alerts.push(buildAlert(rule, r, context.registry));
  }
  const aggregates = foldAggregates(
    current,
    fresh.map((r) => r.record),
  );
  if (state === undefined || aggregates === undefined) return null; // unreachable: fresh is non-empty
  const windows = planDeviceWindows(
    deviceId,
    current,
    roundRecords,
    fresh,
    context.windowOf ?? (() => undefined),
    context.windowRetentionDays ?? DEFAULT_WINDOW_RETENTION_DAYS,
    source,
    (current?.version ?? 0) + 1,
  );

  const item: DeviceItem = {
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
    ...(context.registry !== null ? { registry: context.registry } : {}),
    firing,
    source,
    offsets: advanceWatermarks(watermark, fresh),
    openWindow: windows.openWindow,
    ...(windows.closedWindow !== undefined ? { closedWindow: windows.closedWindow } : {}),
    version: (current?.version ?? 0) + 1,
  };
  // A minute closed in this write is copied to its window item right after it (closed-window.ts).
  const closedNow = windows.closedWindow?.at === item.version ? windows.closedWindow : undefined;
  const copy =
    closedNow &&
    planMinuteWindow(
      deviceId,
      closedNow.start,
      undefined,
      item,
      [],
      context.windowRetentionDays ?? DEFAULT_WINDOW_RETENTION_DAYS,
      source,
    );
  return {
    item,
    expectedVersion: current?.version ?? null,
    before: current ? contributionOf(current) : null,
    after: contributionOf(item),
    alerts,
    late: windows.late,
    withDevice: windows.withDevice,
    afterDevice: copy ? [{ ...copy, device: item }] : [],
    more: round.more,
  };
};
