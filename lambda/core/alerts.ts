/** Alert items: deterministic ids so a retried batch writes the very same item (docs/DATA_MODEL.md). */
import { createHash } from 'node:crypto';
import type { BatchRecord } from './batch-record.ts';
import { type AlertItem, FIRING } from './items/alert.ts';
import { alertKey, sourceKey } from './items/keys.ts';
import type { Registry } from './registry.ts';
import type { ThresholdRule } from './rules.ts';
import { fieldValue } from './rules.ts';
import type { SourcePosition } from './watermark.ts';

/** First 32 hex chars of sha256(`ruleId|deviceId|topic-partition|offset`). */
export const alertId = (ruleId: string, deviceId: string, at: SourcePosition): string =>
  createHash('sha256')
    .update(`${ruleId}|${deviceId}|${sourceKey(at.topic, at.partition)}|${at.offset}`)
    .digest('hex')
    .slice(0, 32);

/**
 * The alert a rule raises on the record where it enters: a `firing` episode that `startsAt` the event_time its condition
 * began (the record's own for a rule without `forSeconds`), while `at` (and the key) is the record that made it fire.
 */
export const buildAlert = (
  rule: ThresholdRule,
  r: BatchRecord,
  registry: Registry | null,
  startsAt: string = r.record.eventTime,
): AlertItem => {
  const { record } = r;
  const id = alertId(rule.ruleId, record.deviceId, r);
  const value = fieldValue(record, rule.when.field);
  const condition = `${rule.when.field} ${rule.when.op} ${rule.when.value}`;
  return {
    deviceId: record.deviceId,
    alertKey: alertKey(record.eventTime, id),
    alertId: id,
    ruleId: rule.ruleId,
    severity: rule.severity,
    message: `${rule.description ?? rule.ruleId}: ${record.deviceId} ${rule.when.field}=${value} (${condition})`,
    at: record.eventTime,
    day: record.eventTime.slice(0, 10),
    model: record.model,
    registry,
    field: rule.when.field,
    value,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    state: FIRING,
    startsAt,
    endsAt: null,
  };
};
