/** An alert as stored in the alerts table (the notifier publishes it from the table's stream). */
import type { Registry } from '#core/registry.ts';
import type { RuleField, Severity } from '#core/rules.ts';

/** What an alert is about: a threshold rule's field, a silence rule's duration, the pipeline's stall duration. */
export type AlertField = RuleField | 'silentForSeconds' | 'stalledForSeconds';

/** An alert episode's states (docs/DATA_MODEL.md "Alert episodes"). */
export const ALERT_STATES = ['firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const FIRING: AlertState = 'firing';
export const RESOLVED: AlertState = 'resolved';

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
  /** The episode, stored since episodes exist (absent on older items: alert-episode.ts derives it). */
  state?: AlertState;
  /** When the episode began: for a threshold rule, the event_time its condition began (before `forSeconds`). */
  startsAt?: string;
  /** When it resolved; null while firing. */
  endsAt?: string | null;
}

/** The processor's resolution of an open episode: `SET state = resolved, endsAt` once, if the alert is not resolved. */
export interface AlertResolve {
  deviceId: string;
  alertKey: string;
  /** The event_time of the record that ended the episode. */
  endsAt: string;
}
