import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FOR_SECONDS, SILENT_FOR_SECONDS } from '#core/rules.ts';
import { toRuleView } from '#lambda/lookup-api/mappers.ts';
import { parseRuleDocument } from '#lambda/lookup-api/rule-document.ts';
import { loadOpenApi } from '#test/support/openapi.ts';

// docs/openapi.json's RuleInput (what PUT /rules takes) and Rule (what it answers) against the API's own parser, for
// the two kinds of `when` and the duration: what the API stores conforms, what it refuses does not.
const openApi = loadOpenApi();
const answerConforms = (document: unknown) => openApi.check('GET', '/rules', 200, { items: [document] });

const accepts = (document: Record<string, unknown>): boolean => {
  try {
    parseRuleDocument(String(document.ruleId), JSON.stringify(document));
    return true;
  } catch {
    return false;
  }
};

const base = { ruleId: 'r1', severity: 'warning', enabled: true };
const seconds = (range: { min: number; max: number }) =>
  fc.oneof(fc.integer(range), fc.integer({ min: range.min - 100, max: range.max + 100 }), fc.double());
const documents = fc.oneof(
  fc.record({ silentForSeconds: seconds(SILENT_FOR_SECONDS) }).map((when) => ({ ...base, when })),
  fc
    .record({ forSeconds: seconds(FOR_SECONDS), value: fc.integer({ min: 0, max: 100 }) })
    .map(({ forSeconds, value }) => ({ ...base, when: { field: 'cpuusage', op: '>', value }, forSeconds })),
  fc
    .record({ silentForSeconds: fc.integer(SILENT_FOR_SECONDS), forSeconds: fc.integer(FOR_SECONDS) })
    .map(({ silentForSeconds, forSeconds }) => ({ ...base, when: { silentForSeconds }, forSeconds })),
);

describe('docs/openapi.json rules: silence and duration', () => {
  it('a rule document conforms to the Rule schema exactly when PUT /rules accepts it (generated)', () => {
    fc.assert(
      fc.property(documents, (document) => {
        expect(answerConforms(document).length === 0).toBe(accepts(document));
      }),
      { numRuns: 400 },
    );
  });

  it('answers a stored rule with its duration and silence (GET /rules, PUT /rules)', () => {
    for (const document of [
      { ...base, when: { field: 'cpuusage', op: '>', value: 90 }, forSeconds: 300 },
      { ...base, when: { silentForSeconds: 120 } },
    ]) {
      const stored = {
        ...parseRuleDocument('r1', JSON.stringify(document)),
        updatedAt: '2026-12-06T10:00:00.000Z',
      };
      const view = toRuleView(stored);
      expect(view).toEqual(stored);
      expect(answerConforms(view)).toEqual([]);
    }
  });

  it('refuses a silence rule combined with a threshold, as the API does', () => {
    const mixed = { ...base, when: { silentForSeconds: 120, field: 'cpuusage', op: '>', value: 90 } };
    expect(accepts(mixed)).toBe(false);
    expect(answerConforms(mixed)).not.toEqual([]);
  });

  it('documents the duration and silence bounds the core holds', () => {
    const at = (when: unknown, forSeconds?: number) =>
      answerConforms({ ...base, when, ...(forSeconds === undefined ? {} : { forSeconds }) });
    expect(at({ silentForSeconds: SILENT_FOR_SECONDS.min })).toEqual([]);
    expect(at({ silentForSeconds: SILENT_FOR_SECONDS.max + 1 })).not.toEqual([]);
    expect(at({ field: 'cpuusage', op: '>', value: 1 }, FOR_SECONDS.max)).toEqual([]);
    expect(at({ field: 'cpuusage', op: '>', value: 1 }, FOR_SECONDS.max + 1)).not.toEqual([]);
  });
});
