import { describe, expect, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import { ruleMapOf } from '#core/rule-maps.ts';
import type { SilenceRule } from '#core/rules.ts';
import { judge, markedDevice } from '#core/silence/judge.ts';

const rule = (ruleId: string): SilenceRule => ({
  ruleId,
  when: { silentForSeconds: 60 },
  severity: 'critical',
  enabled: true,
});
const PROCESSED = Date.parse('2026-12-06T10:00:00.000Z');
const device = (over: Partial<DeviceItem> = {}) =>
  ({
    deviceId: 'modem-1',
    model: 'EVG2000',
    processedAt: new Date(PROCESSED).toISOString(),
    version: 3,
    ...over,
  }) as DeviceItem;
const late = { through: PROCESSED + 61_000, slotEndMs: PROCESSED + 30_000 };

describe('judge: rule ids that are Object.prototype names', () => {
  it.each(['constructor', 'toString', 'valueOf', '__proto__'])(
    'a silence rule named %s fires on a silent device, is recorded open once, and then skips',
    (ruleId) => {
      expect(judge(rule(ruleId), device({ openAlerts: { other: 'k0' } }), late)).toBe('silent');
      const marked = markedDevice(device({ openAlerts: { other: 'k0' } }), ruleId, 'k1');
      expect(marked.version).toBe(4);
      expect([...ruleMapOf(marked.openAlerts)].sort()).toEqual(
        [
          ['other', 'k0'],
          [ruleId, 'k1'],
        ].sort(),
      );
      // The stored map survives a JSON round trip (what the marshaller sees) with the episode still open.
      const stored = JSON.parse(JSON.stringify(marked.openAlerts)) as Record<string, string>;
      expect(judge(rule(ruleId), device({ openAlerts: stored }), late)).toBe('skip');
    },
  );
});
