import { describe, expect, it } from 'vitest';
import { alertId, buildAlert } from '#core/alerts.ts';
import type { BatchRecord } from '#core/batch-record.ts';
import { planDevice } from '#core/device.ts';
import type { TelemetryRecord } from '#core/record.ts';
import type { Rule, ThresholdRule } from '#core/rules.ts';
import { evaluateTrigger, isSilenceRule, ruleMatches, validateRule } from '#core/rules.ts';
import { VIP_RULE_DOCUMENT } from '#test/support/examples.ts';

const vip = { ruleId: 'vip-modem-down', ...VIP_RULE_DOCUMENT };
const record = (over: Partial<TelemetryRecord> = {}): TelemetryRecord => ({
  deviceId: 'd1',
  model: 'EVG2000',
  interface: 'eth0',
  status: 'down',
  cpuUsage: 50,
  memoryUsage: 100,
  eventTime: '2026-11-21T10:00:00.000Z',
  eventTimeMs: Date.parse('2026-11-21T10:00:00.000Z'),
  ...over,
});
const rule = (over: Partial<ThresholdRule> = {}): ThresholdRule => ({
  ruleId: 'r',
  when: { field: 'cpuusage', op: '>', value: 80 },
  severity: 'warning',
  enabled: true,
  ...over,
});

/** The trigger with nothing pending: the plain edge trigger for rules without `forSeconds`. */
const evaluateEdges = (rules: Rule[], firing: string[], r: TelemetryRecord, registry: null) => {
  const next = evaluateTrigger(rules, { firing, pendingSince: new Map() }, r, registry);
  return { firing: next.firing, entered: next.entered.map((e) => e.rule) };
};

describe('validateRule', () => {
  it('accepts the contract example and returns a typed rule', () => {
    expect(validateRule(vip)).toEqual({ ok: true, rule: vip });
  });

  it('defaults enabled to true and tolerates the stored updatedAt', () => {
    const result = validateRule({ ...vip, enabled: undefined, updatedAt: '2026-01-01T00:00:00Z' });
    expect(result.ok && result.rule.enabled).toBe(true);
    expect(result.ok && 'updatedAt' in result.rule).toBe(false);
  });

  it.each([
    ['not an object', [], /rule must be a JSON object/],
    ['bad ruleId', { ...vip, ruleId: 'has space' }, /ruleId must be/],
    ['missing ruleId', { ...vip, ruleId: undefined }, /ruleId must be/],
    ['unknown field', { ...vip, model: ['x'] }, /unknown field "model"/],
    ['missing when', { ...vip, when: undefined }, /when must be an object/],
    [
      'bad field',
      { ...vip, when: { field: 'temperature', op: '==', value: 1 } },
      /when.field must be one of/,
    ],
    ['bad op', { ...vip, when: { field: 'cpuusage', op: '=~', value: 1 } }, /when.op must be one of/],
    ['ordering on status', { ...vip, when: { field: 'interfacestatus', op: '>', value: 'a' } }, /== or !=/],
    [
      'numeric status value',
      { ...vip, when: { field: 'interfacestatus', op: '==', value: 1 } },
      /interfacestatus must be a string of 1-256 characters/,
    ],
    [
      'status value with an unpaired surrogate',
      { ...vip, when: { field: 'interfacestatus', op: '==', value: 'a\ud800' } },
      /must be a string of 1-256 characters/,
    ],
    ['cpu threshold 1e16', { ...vip, when: { field: 'cpuusage', op: '>', value: 1e16 } }, /in 0-100/],
    [
      'negative memory threshold',
      { ...vip, when: { field: 'memoryusage', op: '<', value: -1 } },
      /in 0-1048576/,
    ],
    ['65 models', { ...vip, models: Array.from({ length: 65 }, (_, i) => `m${i}`) }, /1-64 model names/],
    ['a 257-character model', { ...vip, models: ['m'.repeat(257)] }, /1-64 model names of 1-256/],
    [
      'a registry attribute named constructor',
      { ...vip, registry: { constructor: 'x' } },
      /registry: attribute name "constructor" is reserved/,
    ],
    [
      'a registry over 4 KB',
      { ...vip, registry: { tier: 'x'.repeat(4096) } },
      /registry: 4100 bytes of attributes, more than 4096/,
    ],
    ['string cpu value', { ...vip, when: { field: 'cpuusage', op: '>', value: '80' } }, /must be a number/],
    ['empty models', { ...vip, models: [] }, /models must be an array of 1-64 model names/],
    [
      'registry with number',
      { ...vip, registry: { tier: 1 } },
      /registry: attribute "tier" must be a string/,
    ],
    ['empty registry', { ...vip, registry: {} }, /registry must be a non-empty object/],
    ['bad severity', { ...vip, severity: 'urgent' }, /severity must be one of info, warning, critical/],
    ['missing severity', { ...vip, severity: undefined }, /severity must be one of/],
    ['enabled as string', { ...vip, enabled: 'yes' }, /enabled must be a boolean/],
    [
      'silence under a minute',
      { ...vip, when: { silentForSeconds: 59 } },
      /silentForSeconds must be .* 60 to 86400/,
    ],
    ['silence over a day', { ...vip, when: { silentForSeconds: 86_401 } }, /silentForSeconds must be/],
    [
      'fractional silence',
      { ...vip, when: { silentForSeconds: 90.5 } },
      /silentForSeconds must be a whole number/,
    ],
    ['silence as a string', { ...vip, when: { silentForSeconds: '120' } }, /silentForSeconds must be/],
    [
      'silence mixed with a threshold',
      { ...vip, when: { silentForSeconds: 120, field: 'cpuusage' } },
      /cannot be combined with when.field/,
    ],
    [
      'forSeconds on a silence rule',
      { ...vip, when: { silentForSeconds: 120 }, forSeconds: 60 },
      /threshold rules only/,
    ],
    ['negative forSeconds', { ...vip, forSeconds: -1 }, /forSeconds must be .* 0 to 86400/],
    ['forSeconds over a day', { ...vip, forSeconds: 86_401 }, /forSeconds must be/],
    ['forSeconds as a string', { ...vip, forSeconds: '60' }, /forSeconds must be/],
  ])('rejects %s with a reason', (_name, input, reason) => {
    const result = validateRule(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('silence and duration rules', () => {
  it('accepts a silence rule (filters and severity as for thresholds) and a threshold with forSeconds', () => {
    const silence = validateRule({
      ruleId: 'modem-silent',
      when: { silentForSeconds: 120 },
      severity: 'critical',
    });
    expect(silence).toEqual({
      ok: true,
      rule: { ruleId: 'modem-silent', when: { silentForSeconds: 120 }, severity: 'critical', enabled: true },
    });
    expect(silence.ok && isSilenceRule(silence.rule)).toBe(true);
    const lasting = validateRule({ ...vip, forSeconds: 300 });
    expect(lasting.ok && lasting.rule.forSeconds).toBe(300);
    expect(lasting.ok && isSilenceRule(lasting.rule)).toBe(false);
  });

  it('never matches a record with a silence rule, whatever the record', () => {
    const silence = { ruleId: 's', when: { silentForSeconds: 60 }, severity: 'info', enabled: true } as const;
    expect(ruleMatches(silence, record({ cpuUsage: 99 }), null)).toBe(false);
    expect(evaluateEdges([silence], [], record({ cpuUsage: 99 }), null)).toEqual({ firing: [], entered: [] });
  });
});

describe('rule evaluation', () => {
  const valid = validateRule(vip);
  if (!valid.ok) throw new Error('fixture');
  const vipRule = valid.rule;

  it('matches on condition, model and registry attribute equality', () => {
    expect(ruleMatches(vipRule, record(), { tier: 'platinum', site: 'x' })).toBe(true);
    expect(ruleMatches(vipRule, record({ status: 'up' }), { tier: 'platinum' })).toBe(false);
    expect(ruleMatches(vipRule, record({ model: 'TG1672' }), { tier: 'platinum' })).toBe(false);
    expect(ruleMatches(vipRule, record(), { tier: 'gold' })).toBe(false);
    expect(ruleMatches(vipRule, record(), null)).toBe(false);
    expect(ruleMatches({ ...vipRule, enabled: false }, record(), { tier: 'platinum' })).toBe(false);
  });

  it.each([
    ['==', 80, false],
    ['!=', 80, true],
    ['>', 50, true],
    ['>=', 90, true],
    ['<', 90, false],
    ['<=', 90, true],
  ] as const)('compares numbers with %s', (op, value, expected) => {
    expect(
      ruleMatches(rule({ when: { field: 'cpuusage', op, value } }), record({ cpuUsage: 90 }), null),
    ).toBe(expected);
  });

  it('fires on entering the condition and re-arms on leaving it', () => {
    const rules = [rule()];
    const first = evaluateEdges(rules, [], record({ cpuUsage: 90 }), null);
    expect(first).toEqual({ firing: ['r'], entered: rules });
    expect(evaluateEdges(rules, first.firing, record({ cpuUsage: 95 }), null).entered).toEqual([]);
    const cleared = evaluateEdges(rules, first.firing, record({ cpuUsage: 10 }), null);
    expect(cleared).toEqual({ firing: [], entered: [] });
    expect(evaluateEdges(rules, cleared.firing, record({ cpuUsage: 81 }), null).entered).toEqual(rules);
  });

  it('drops a deleted rule from the firing set', () => {
    expect(evaluateEdges([], ['gone'], record(), null).firing).toEqual([]);
  });
});

describe('alerts through planDevice: edge-triggered per device, in event order, deterministic ids', () => {
  const at = (offset: number, second: number, cpuUsage: number): BatchRecord => ({
    topic: 't',
    partition: 0,
    offset,
    record: record({
      cpuUsage,
      eventTime: new Date(Date.UTC(2026, 10, 21, 10, 0, second)).toISOString(),
      eventTimeMs: Date.UTC(2026, 10, 21, 10, 0, second),
    }),
  });
  const ctx = { rules: [rule()], registry: null };

  it('raises one alert per entry into the condition, evaluated in event order not arrival order', () => {
    // Arrival order 0..4, event order: s1 (90) s2 (10) s3 (95) s4 (96) s5 (20).
    const records = [at(0, 3, 95), at(1, 1, 90), at(2, 2, 10), at(3, 5, 20), at(4, 4, 96)];
    const plan = planDevice('d1', undefined, records, ctx);
    expect(plan?.alerts.map((a) => a.offset)).toEqual([1, 0]);
    expect(plan?.item.firing).toEqual([]);
  });

  it('never alerts on a late record, and keeps firing state across batches', () => {
    const first = planDevice('d1', undefined, [at(0, 10, 90)], ctx);
    expect(first?.item.firing).toEqual(['r']);
    const late = planDevice('d1', first?.item, [at(1, 5, 10), at(2, 6, 99)], ctx);
    expect(late?.alerts).toEqual([]);
    expect(late?.item.firing).toEqual(['r']);
    const next = planDevice('d1', late?.item, [at(3, 11, 10), at(4, 12, 85)], ctx);
    expect(next?.alerts.map((a) => a.offset)).toEqual([4]);
  });

  it('builds alert ids from sha256(ruleId|deviceId|topic-partition|offset) and keys by time', () => {
    expect(alertId('r', 'd1', { topic: 't', partition: 0, offset: 7 })).toMatch(/^[0-9a-f]{32}$/);
    expect(alertId('r', 'd1', { topic: 't', partition: 0, offset: 7 })).toBe(
      alertId('r', 'd1', { topic: 't', partition: 0, offset: 7 }),
    );
    expect(alertId('r', 'd1', { topic: 't', partition: 0, offset: 7 })).not.toBe(
      alertId('r', 'd1', { topic: 't', partition: 1, offset: 7 }),
    );
    const alert = buildAlert(rule({ description: 'CPU hot' }), at(7, 30, 91), { tier: 'gold' });
    expect(alert).toMatchObject({
      alertKey: `2026-11-21T10:00:30.000Z#${alertId('r', 'd1', { topic: 't', partition: 0, offset: 7 })}`,
      day: '2026-11-21',
      severity: 'warning',
      field: 'cpuusage',
      value: 91,
      registry: { tier: 'gold' },
      message: 'CPU hot: d1 cpuusage=91 (cpuusage > 80)',
    });
  });
});
