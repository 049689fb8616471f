/**
 * Judging one candidate device for one silence rule, and the alert and mark it gets when silent. Pure.
 *
 * Silent iff the rule selects the device (models, registry), no episode of the rule is open on it, and its last write
 * (`processedAt`) is at or before `through - N`, where `through` is how far its partitions are processed
 * (lag-state.ts): every record appended before `through` has been processed, so a device that sent anything in the N s
 * before it has a later `processedAt`. With a current pipeline `through` is a few seconds ago; while it is stalled,
 * `through` stands still and no device is judged silent for the stall.
 */
import { createHash } from 'node:crypto';
import type { EpisodeItem } from '#core/alert-episode.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { alertKey } from '#core/items/keys.ts';
import type { TelemetryRecord } from '#core/record.ts';
import { ruleMapOf, storedRuleMap } from '#core/rule-maps.ts';
import { ruleApplies, type SilenceRule } from '#core/rules.ts';

/** `silent`: fire; `active`: written since; `skip`: not this rule's, already open, or never stamped; `defer`: not yet judgeable. */
export type Verdict = 'silent' | 'active' | 'skip' | 'defer';

/** The rule's filters select the device (only `model` of a record is read by them). */
const selects = (rule: SilenceRule, device: DeviceItem): boolean =>
  ruleApplies(rule, { model: device.model } as TelemetryRecord, device.registry ?? null);

/**
 * `slotEndMs`: the end of the presence slot the device was a candidate of. The device is judgeable once its
 * partitions are processed N s past that slot; until then `defer` (the sweep keeps the slot).
 */
export const judge = (
  rule: SilenceRule,
  device: DeviceItem,
  at: { through: number | undefined; slotEndMs: number },
): Verdict => {
  if (!selects(rule, device) || ruleMapOf(device.openAlerts).has(rule.ruleId)) return 'skip';
  if (device.processedAt === undefined) return 'skip';
  const n = rule.when.silentForSeconds * 1000;
  if (at.through === undefined) return 'defer';
  if (Date.parse(device.processedAt) > at.through - n) {
    // Written after the slot: a later presence slot lists it. Else its partitions are not far enough yet.
    return Date.parse(device.processedAt) >= at.slotEndMs ? 'active' : 'defer';
  }
  return 'silent';
};

/** First 32 hex chars of sha256(`ruleId|deviceId|processedAt`): one alert per silence of a device. */
export const silenceAlertId = (ruleId: string, deviceId: string, processedAt: string): string =>
  createHash('sha256').update(`${ruleId}|${deviceId}|${processedAt}`).digest('hex').slice(0, 32);

/** The firing episode of a silent device: it began N s after its last write. */
export const silenceAlert = (rule: SilenceRule, device: DeviceItem, processedAt: string): EpisodeItem => {
  const n = rule.when.silentForSeconds;
  const id = silenceAlertId(rule.ruleId, device.deviceId, processedAt);
  const at = new Date(Date.parse(processedAt) + n * 1000).toISOString();
  const source = device.stateSource;
  return {
    deviceId: device.deviceId,
    alertKey: alertKey(at, id),
    alertId: id,
    ruleId: rule.ruleId,
    severity: rule.severity,
    message: `${rule.description ?? rule.ruleId}: ${device.deviceId} sent nothing for ${n} s (last record processed at ${processedAt})`,
    at,
    day: at.slice(0, 10),
    model: device.model,
    registry: device.registry ?? null,
    field: 'silentForSeconds',
    value: n,
    topic: source?.topic ?? '',
    partition: source?.partition ?? -1,
    offset: source?.offset ?? -1,
    state: 'firing',
    startsAt: at,
    endsAt: null,
  };
};

/**
 * The device item with the rule's episode recorded open, one version on (the processor re-reads it). The map goes
 * through rule-maps.ts like the processor's: a rule id such as `constructor` is stored escaped.
 */
export const markedDevice = (device: DeviceItem, ruleId: string, key: string): DeviceItem => ({
  ...device,
  openAlerts: storedRuleMap(ruleMapOf(device.openAlerts).set(ruleId, key)),
  version: device.version + 1,
});
