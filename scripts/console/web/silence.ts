/** Whether a device is silent, from its firing alerts and the rules (pure: unit-tested without a DOM). */
import type { Rule } from './rule-form.ts';

/** A firing alert as either source has it: `GET /devices/{id}` activeAlerts or `GET /alerts?state=firing`. */
export interface FiringAlert {
  readonly ruleId: string;
  readonly at: string | null;
}

/**
 * The device's firing alert of a silence rule (the earliest, if several), or null when it is not silent. Both sources
 * are read: the device's own firing set and the stored episodes, so a silence alert shows whichever lists it first.
 */
export const silenceAlert = (
  firing: readonly FiringAlert[],
  rules: ReadonlyArray<Pick<Rule, 'ruleId' | 'when'>>,
): FiringAlert | null => {
  const silenceRules = new Set(
    rules.filter((rule) => 'silentForSeconds' in rule.when).map((rule) => rule.ruleId),
  );
  const silent = firing.filter((alert) => silenceRules.has(alert.ruleId));
  if (silent.length === 0) return null;
  return silent.reduce((first, alert) => ((alert.at ?? '\uffff') < (first.at ?? '\uffff') ? alert : first));
};

/** A row of the device page's "Active alerts": what both sources say about one firing alert. */
export interface ActiveRow {
  readonly ruleId: string;
  readonly severity: string | null;
  readonly message: string | null;
  readonly at: string | null;
}

/**
 * The device's firing alerts, one per rule: those `GET /devices/{id}` lists, then any firing episode of
 * `GET /alerts?deviceId=&state=firing` it does not (a silence alert the device item does not list as firing).
 */
export const activeRows = (listed: readonly ActiveRow[], episodes: readonly ActiveRow[]): ActiveRow[] => {
  const rules = new Set(listed.map((alert) => alert.ruleId));
  const extra = episodes.filter((alert) => {
    if (rules.has(alert.ruleId)) return false;
    rules.add(alert.ruleId);
    return true;
  });
  return [...listed, ...extra];
};
