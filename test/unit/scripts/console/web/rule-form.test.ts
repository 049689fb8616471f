import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CPU_RANGE, MEMORY_RANGE } from '#core/record.ts';
import { FOR_SECONDS, RULE_OPS, SEVERITIES, SILENT_FOR_SECONDS, validateRule } from '#core/rules.ts';
import {
  conditionText,
  fieldOfReason,
  formValues,
  type RuleFormField,
  ruleDocument,
} from '#scripts/console/web/rule-form.ts';

const valid = {
  ruleId: 'cpu-hot',
  when: { field: 'cpuusage', op: '>', value: 90 },
  severity: 'warning',
  enabled: true,
};

describe('fieldOfReason: the API reason goes under the field it is about', () => {
  // Each case is a document the API rejects; the reason is the API's own (validateRule, as PUT /rules answers it).
  it.each<[string, Record<string, unknown>, RuleFormField | null]>([
    ['bad rule id', { ...valid, ruleId: 'has space' }, 'ruleId'],
    ['long description', { ...valid, description: 'x'.repeat(1025) }, 'description'],
    ['bad field', { ...valid, when: { field: 'temperature', op: '==', value: 1 } }, 'when.field'],
    ['bad op', { ...valid, when: { field: 'cpuusage', op: '=~', value: 1 } }, 'when.op'],
    [
      'ordering on a status',
      { ...valid, when: { field: 'interfacestatus', op: '>', value: 'down' } },
      'when.op',
    ],
    ['text for a number', { ...valid, when: { field: 'cpuusage', op: '>', value: 'high' } }, 'when.value'],
    [
      'empty status value',
      { ...valid, when: { field: 'interfacestatus', op: '==', value: '' } },
      'when.value',
    ],
    ['missing when', { ...valid, when: undefined }, 'when.field'],
    ['empty models', { ...valid, models: [] }, 'models'],
    ['empty registry', { ...valid, registry: {} }, 'registry'],
    ['bad severity', { ...valid, severity: 'urgent' }, 'severity'],
    ['enabled not boolean', { ...valid, enabled: 'yes' }, 'enabled'],
    ['unknown field', { ...valid, colour: 'red' }, null],
    ['silence too short', { ...valid, when: { silentForSeconds: 59 } }, 'when.silentForSeconds'],
    ['silence not whole', { ...valid, when: { silentForSeconds: 90.5 } }, 'when.silentForSeconds'],
    [
      'silence with a threshold',
      { ...valid, when: { silentForSeconds: 120, field: 'cpuusage' } },
      'when.silentForSeconds',
    ],
    ['duration too long', { ...valid, forSeconds: 86_401 }, 'forSeconds'],
    ['duration as text', { ...valid, forSeconds: '5m' }, 'forSeconds'],
    [
      'duration on a silence rule',
      { ...valid, when: { silentForSeconds: 120 }, forSeconds: 60 },
      'forSeconds',
    ],
  ])('%s', (_name, document, field) => {
    const result = validateRule(document);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(fieldOfReason(`invalid rule: ${result.reason}`)).toBe(field);
  });

  it('maps the path and body checks of PUT /rules to the rule id', () => {
    expect(fieldOfReason('ruleId must be 1-128 printable characters')).toBe('ruleId');
    expect(fieldOfReason('ruleId in the body ("a") does not match the path ("b")')).toBe('ruleId');
    expect(fieldOfReason('body is not valid JSON')).toBeNull();
  });
});

const whenArbitrary = fc.oneof(
  // Numeric thresholds within their field's range (the record contract's), whole or with two decimals.
  ...(
    [
      ['cpuusage', CPU_RANGE],
      ['memoryusage', MEMORY_RANGE],
    ] as const
  ).map(([field, range]) =>
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom(...RULE_OPS),
      value: fc.oneof(
        fc.integer(range),
        fc.double({ ...range, noNaN: true }).map((v) => Math.round(v * 100) / 100),
      ),
    }),
  ),
  fc.record({
    field: fc.constant('interfacestatus'),
    op: fc.constantFrom('==', '!='),
    value: fc.stringMatching(/^[a-z][a-z-]{0,11}$/).filter((value) => !/^-?\d+(\.\d+)?$/.test(value)),
  }),
);
const silenceArbitrary = fc.record({ silentForSeconds: fc.integer(SILENT_FOR_SECONDS) });
const thresholdRuleArbitrary = fc.record(
  {
    ruleId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/),
    description: fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((text) => text.trim() === text && text !== ''),
    when: whenArbitrary,
    forSeconds: fc.integer(FOR_SECONDS),
    models: fc.array(fc.stringMatching(/^[A-Z][A-Z0-9]{1,8}$/), { minLength: 1, maxLength: 3 }),
    registry: fc.dictionary(
      fc.stringMatching(/^[a-z][a-z_]{0,8}$/),
      fc.stringMatching(/^[a-z0-9][a-z0-9 ]{0,8}[a-z0-9]$/),
      { minKeys: 1, maxKeys: 3 },
    ),
    severity: fc.constantFrom(...SEVERITIES),
    enabled: fc.boolean(),
  },
  { requiredKeys: ['ruleId', 'when', 'severity', 'enabled'] },
);
/** Threshold rules with or without a duration, and silence rules (which never carry forSeconds). */
const silenceRuleArbitrary = fc
  .tuple(thresholdRuleArbitrary, silenceArbitrary)
  .map(([{ forSeconds: _, ...rule }, when]) => ({ ...rule, when }));
const ruleArbitrary = fc.oneof(thresholdRuleArbitrary, silenceRuleArbitrary);

describe('ruleDocument', () => {
  it('editing a stored rule and saving it unchanged sends the same rule (generated rules)', () => {
    fc.assert(
      fc.property(ruleArbitrary, (rule) => {
        const stored = validateRule(rule);
        expect(stored.ok).toBe(true);
        const result = ruleDocument(formValues(rule));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const again = validateRule(result.document);
        expect(again).toEqual(stored);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a value that is not a number as text, so the API says what is wrong with it', () => {
    const result = ruleDocument({ ...formValues(valid), value: '9O' });
    expect(result.ok && result.document.when).toEqual({ field: 'cpuusage', op: '>', value: '9O' });
  });

  it('leaves out empty optional fields and refuses a registry line without "="', () => {
    const result = ruleDocument({ ...formValues(valid), description: '  ', models: ' , ', registry: '\n' });
    expect(result).toEqual({ ok: true, document: valid });
    expect(ruleDocument({ ...formValues(valid), registry: 'tier=gold\nplatinum' })).toEqual({
      ok: false,
      field: 'registry',
      reason: 'line 2: write name=value (got "platinum")',
    });
  });

  it('does not let a registry name reach a prototype', () => {
    const result = ruleDocument({ ...formValues(valid), registry: '__proto__=x\nconstructor=y' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const registry = result.document.registry as Record<string, string>;
    expect(Object.keys(registry).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(registry)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('the form for both kinds of rule', () => {
  const silence = {
    ruleId: 'modem-silent',
    when: { silentForSeconds: 120 },
    severity: 'critical',
    enabled: true,
  };

  it('sends a silence rule without the hidden threshold controls or a duration', () => {
    const values = { ...formValues(silence), forSeconds: '30', field: 'cpuusage', value: '90' };
    expect(values.kind).toBe('silence');
    expect(ruleDocument(values)).toEqual({ ok: true, document: silence });
  });

  it('sends a threshold rule with its duration as a number, and leaves an empty duration out', () => {
    const held = ruleDocument({ ...formValues(valid), forSeconds: ' 300 ' });
    expect(held).toEqual({ ok: true, document: { ...valid, forSeconds: 300 } });
    expect(ruleDocument({ ...formValues(valid), forSeconds: '' })).toEqual({ ok: true, document: valid });
  });

  it('keeps a duration or silence that is not a number as text, so the API says what is wrong with it', () => {
    const held = ruleDocument({ ...formValues(valid), forSeconds: '5m' });
    expect(held.ok && held.document.forSeconds).toBe('5m');
    const silent = ruleDocument({ ...formValues(silence), silentForSeconds: 'two minutes' });
    expect(silent.ok && silent.document.when).toEqual({ silentForSeconds: 'two minutes' });
    for (const result of [held, silent]) {
      expect(result.ok && validateRule(result.document).ok).toBe(false);
    }
  });

  it('states the condition as the rules page shows it', () => {
    expect(conditionText(silence)).toBe('silent for 120 s');
    expect(conditionText({ ...valid, forSeconds: 300 })).toBe('cpuusage > 90 for 300 s');
    expect(conditionText({ ...valid, forSeconds: 0 })).toBe('cpuusage > 90');
    expect(conditionText(valid)).toBe('cpuusage > 90');
  });
});
