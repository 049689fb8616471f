/** An alert as stored in the alerts table (the notifier publishes it from the table's stream). */
import type { Registry } from '#core/registry.ts';
import type { RuleField, Severity } from '#core/rules.ts';

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
