/**
 * A device's alerting over a round of its new records, in event order (docs/DATA_MODEL.md "Alert episodes"):
 * - each record that advances the current state is evaluated (rules.ts `evaluateTrigger`, with `forSeconds`
 *   durations kept in `pendingSince`); each rule that enters raises an alert (a `firing` episode) recorded in
 *   `openAlerts`;
 * - on every new record, each open episode whose rule is not (still) firing ends at that record's event_time: a
 *   threshold rule that left its condition, was deleted or disabled (only a record that advances the state changes
 *   the firing set), and any other entry (a silence alert the sweep opened: the device reported again);
 * - late records are history: they never change the firing set, but still end episodes of rules not firing.
 * Deterministic from (item read, records), so retries and overlapping invocations plan the same alerts and resolves.
 * A device item written before episodes has no `openAlerts`: its firing rules have no alert to resolve here (the
 * lookup API derives those alerts' state, alert-episode.ts).
 */
import { buildAlert } from './alerts.ts';
import type { BatchRecord } from './batch-record.ts';
import { advancesState, type CurrentState, stateOf } from './device-state.ts';
import type { AlertItem, AlertResolve } from './items/alert.ts';
import type { DeviceItem } from './items/device.ts';
import type { Registry } from './registry.ts';
import { ruleMapOf } from './rule-maps.ts';
import { type Entered, evaluateTrigger, type Rule } from './rules.ts';

export interface DeviceAlerting {
  state: CurrentState | undefined;
  /** Sorted rule ids. */
  firing: string[];
  /** ruleId → event_time its condition began (`forSeconds` rules not firing yet). */
  pendingSince: ReadonlyMap<string, string>;
  /** ruleId → alertKey of its open episode. */
  openAlerts: Map<string, string>;
  /** Alerts raised, in event order. */
  alerts: AlertItem[];
  /** Open episodes ended, in event order. */
  resolves: AlertResolve[];
}

export interface AlertingContext {
  rules: readonly Rule[];
  registry: Registry | null;
}

const startFrom = (current: DeviceItem | undefined): DeviceAlerting => ({
  state: current,
  firing: current?.firing ?? [],
  pendingSince: ruleMapOf(current?.pendingSince),
  openAlerts: ruleMapOf(current?.openAlerts),
  alerts: [],
  resolves: [],
});

/** Ends, at this record, every open episode whose rule is not among `continuing`. */
const endEpisodes = (alerting: DeviceAlerting, continuing: ReadonlySet<string>, r: BatchRecord): void => {
  for (const [ruleId, alertKey] of alerting.openAlerts) {
    if (continuing.has(ruleId)) continue;
    alerting.resolves.push({ deviceId: r.record.deviceId, alertKey, endsAt: r.record.eventTime });
    alerting.openAlerts.delete(ruleId);
  }
};

const raise = (
  alerting: DeviceAlerting,
  entered: readonly Entered[],
  r: BatchRecord,
  registry: Registry | null,
) => {
  for (const { rule, since } of entered) {
    const alert = buildAlert(rule, r, registry, since);
    alerting.alerts.push(alert);
    alerting.openAlerts.set(rule.ruleId, alert.alertKey);
  }
};

export const foldAlerting = (
  current: DeviceItem | undefined,
  fresh: readonly BatchRecord[],
  context: AlertingContext,
): DeviceAlerting => {
  const alerting = startFrom(current);
  for (const r of fresh) {
    if (!advancesState(alerting.state, r)) {
      endEpisodes(alerting, new Set(alerting.firing), r);
      continue;
    }
    alerting.state = stateOf(r);
    const next = evaluateTrigger(context.rules, alerting, r.record, context.registry);
    alerting.firing = next.firing;
    alerting.pendingSince = next.pendingSince;
    // A rule that just entered starts a new episode: an entry it still had belongs to an earlier one.
    const entered = new Set(next.entered.map((e) => e.rule.ruleId));
    endEpisodes(alerting, new Set(next.firing.filter((id) => !entered.has(id))), r);
    raise(alerting, next.entered, r, context.registry);
  }
  return alerting;
};
