/** An alert as stored in the alerts table (the notifier publishes it from the table's stream). */
import type { Registry } from '#core/registry.ts';
import type { RuleField, Severity } from '#core/rules.ts';

/** What an alert is about: a threshold rule's field, a silence rule's duration, the pipeline's stall duration. */
export type AlertField = RuleField | 'silentForSeconds' | 'stalledForSeconds';

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
  field: AlertField;
  value: string | number;
  topic: string;
  partition: number;
  offset: number;
}
