/**
 * A candidate judged and, when silent, fired: the device item marked (its `openAlerts` gets the rule's alert key,
 * version + 1, conditional on the version read) and the alert put (conditional on not existing) in one transaction,
 * so there is never a mark without its alert or an alert without its mark. When the device was written in between
 * (it reported: the processor's version-conditional write wins or re-reads), it is read again and judged again, a
 * bounded number of times; the processor's next write of a marked device resolves the episode (lifecycle).
 */
import type { DeviceItem } from '#core/items/device.ts';
import type { SilenceRule } from '#core/rules.ts';
import { judge, markedDevice, silenceAlert, type Verdict } from '#core/silence/judge.ts';
import type { SweepDeps } from '#core/silence/ports.ts';

/** Attempts per device when the processor keeps writing it between read and transaction. */
export const MAX_FIRE_ATTEMPTS = 3;

export type FireResult = Exclude<Verdict, 'silent'> | 'fired';

export const fireSilent = async (
  deps: SweepDeps,
  rule: SilenceRule,
  first: DeviceItem,
  at: { through: number | undefined; slotEndMs: number },
): Promise<FireResult> => {
  let device: DeviceItem | undefined = first;
  for (let attempt = 1; device !== undefined && attempt <= MAX_FIRE_ATTEMPTS; attempt++) {
    const verdict = judge(rule, device, at);
    if (verdict !== 'silent') return verdict;
    if (device.processedAt === undefined) return 'skip';
    const alert = silenceAlert(rule, device, device.processedAt);
    const marked = markedDevice(device, rule.ruleId, alert.alertKey);
    const outcome = await deps.store.fire(marked, device.version, alert);
    if (outcome === 'fired') {
      deps.log.info('device silent', {
        ruleId: rule.ruleId,
        deviceId: device.deviceId,
        alertKey: alert.alertKey,
        processedAt: device.processedAt,
        through: at.through === undefined ? null : new Date(at.through).toISOString(),
      });
      return 'fired';
    }
    // The alert is stored but the device not marked (a mark lost after its alert): mark it alone.
    if (outcome === 'alert-exists' && (await deps.store.mark(marked, device.version))) return 'fired';
    device = (await deps.store.readDevices([device.deviceId])).get(device.deviceId);
  }
  return device === undefined ? 'skip' : 'defer';
};
