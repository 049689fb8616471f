import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AlertState } from '#core/alert-episode.ts';
import type { AlertItem } from '#core/items/alert.ts';
import { boundedMessage, snsSafe } from './sns-text.ts';

/** An alert as subscribers receive it: SNS Subject, Message and the attributes filter policies match on. */
export interface FormattedAlert {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

const REQUIRED = ['alertId', 'deviceId', 'ruleId', 'severity', 'at'] as const;

/** Reads a stream NEW_IMAGE into an alert; throws a clear error for an image that is not one. */
export const alertFromImage = (image: Record<string, unknown>): AlertItem => {
  const item = unmarshall(image as Record<string, AttributeValue>) as Partial<AlertItem>;
  const missing = REQUIRED.filter((name) => typeof item[name] !== 'string' || item[name] === '');
  if (missing.length > 0) throw new Error(`stream image is not an alert: missing ${missing.join(', ')}`);
  return item as AlertItem;
};

// SNS subjects: ASCII, no line breaks or control characters, under 100 characters.
const subjectSafe = (text: string): string => text.replace(/[^\x20-\x7E]/g, '?').slice(0, 99);

/** Any stored value as text, without calling a value's own toString (an image is data, not code). */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
};

/** Subject, message (at most MAX_MESSAGE_BYTES) and attributes SNS accepts, whatever the alert holds. */
export const formatAlert = (alert: AlertItem, state: AlertState = 'firing'): FormattedAlert => {
  const model = alert.model ? ` (${text(alert.model)})` : '';
  const prefix = state === 'resolved' ? 'RESOLVED ' : '';
  const headline = `[${prefix}${alert.severity.toUpperCase()}] ${alert.ruleId} on ${alert.deviceId}${model}`;
  const registry = Object.entries(alert.registry ?? {})
    .map(([name, value]) => `${name}=${text(value)}`)
    .join(', ');
  const lines = [
    headline,
    alert.message === undefined ? undefined : text(alert.message),
    alert.field === undefined ? undefined : `${text(alert.field)} = ${text(alert.value)} at ${alert.at}`,
    registry === '' ? undefined : `Registry: ${registry}`,
    `Alert ${alert.alertId}${alert.topic === undefined ? '' : ` from ${text(alert.topic)}-${text(alert.partition)} offset ${text(alert.offset)}`}`,
  ].filter((line): line is string => line !== undefined && line !== '');
  // SNS rejects empty attribute values, so an alert without a model simply carries no model attribute.
  const named = {
    state,
    severity: alert.severity,
    model: alert.model,
    ruleId: alert.ruleId,
    deviceId: alert.deviceId,
  };
  const attributes = Object.fromEntries(
    Object.entries(named).flatMap(([name, value]) =>
      typeof value === 'string' && value !== '' ? [[name, snsSafe(value)]] : [],
    ),
  );
  return { subject: subjectSafe(headline), message: boundedMessage(lines.join('\n')), attributes };
};
