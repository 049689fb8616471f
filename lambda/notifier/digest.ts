/**
 * Grouping (Alertmanager's group_by rule + state): when more than `threshold` alerts of one rule change to the same state
 * within one delivery (the event source's batching window is the group window), they become one digest message with
 * the count, the breakdown by model and the first device ids; otherwise each alert is its own message.
 */
import type { AlertState } from '#core/alert-episode.ts';
import type { Change } from './changes.ts';
import type { FormattedAlert } from './format.ts';
import { boundedMessage, snsSafe } from './sns-text.ts';

/** Device ids a digest lists by name. */
export const DIGEST_DEVICE_IDS = 20;
/** @default threshold: more than this many changes of one rule and state in one delivery make a digest. */
export const DEFAULT_DIGEST_THRESHOLD = 10;

export type Notification =
  | { readonly kind: 'single'; readonly change: Change }
  | { readonly kind: 'digest'; readonly changes: readonly Change[] };

/** The notifications for a delivery's changes, ordered by their first change's place in the stream. */
export const groupChanges = (changes: readonly Change[], threshold: number): Notification[] => {
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const key = JSON.stringify([change.alert.ruleId, change.state]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [change]);
    else group.push(change);
  }
  const notifications: Notification[] = [];
  for (const group of groups.values()) {
    if (group.length > threshold) notifications.push({ kind: 'digest', changes: group });
    else for (const change of group) notifications.push({ kind: 'single', change });
  }
  const first = (n: Notification) => (n.kind === 'single' ? n.change.index : (n.changes[0]?.index ?? 0));
  return notifications.sort((a, b) => first(a) - first(b));
};

const subjectSafe = (text: string): string => text.replace(/[^\x20-\x7E]/g, '?').slice(0, 99);

const countBy = (values: readonly string[]): Array<[string, number]> => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
};

/** One message for many alerts of one rule that changed to one state. */
export const formatDigest = (changes: readonly Change[]): FormattedAlert => {
  const [head] = changes;
  if (head === undefined) throw new Error('an empty digest');
  const { ruleId, severity } = head.alert;
  const state: AlertState = head.state;
  const models = countBy(changes.map((c) => (typeof c.alert.model === 'string' ? c.alert.model : '(none)')));
  const devices = [...new Set(changes.map((c) => c.alert.deviceId))];
  const headline = `[${String(severity).toUpperCase()}] ${ruleId}: ${changes.length} alerts ${state}`;
  const lines = [
    headline,
    `By model: ${models.map(([model, n]) => `${model} ${n}`).join(', ')}`,
    `Devices (first ${Math.min(DIGEST_DEVICE_IDS, devices.length)} of ${devices.length}): ${devices.slice(0, DIGEST_DEVICE_IDS).join(', ')}`,
    `Each alert stays queryable: GET /alerts?state=${state}`,
  ];
  const single = models.length === 1 && models[0]?.[0] !== '(none)' ? models[0]?.[0] : undefined;
  const named: Array<[string, string | undefined]> = [
    ['ruleId', ruleId],
    ['severity', severity],
    ['state', state],
    ['model', single],
    ['digest', String(changes.length)],
  ];
  const attributes = Object.fromEntries(
    named.flatMap(([name, value]) =>
      typeof value === 'string' && value !== '' ? [[name, snsSafe(value)]] : [],
    ),
  );
  return { subject: subjectSafe(headline), message: boundedMessage(lines.join('\n')), attributes };
};
