import { describe, expect, it } from 'vitest';
import { GUARDRAILS_DEFAULTS } from '#lib/config/guardrails.ts';
import { capBounds, formatCaps } from '#scripts/cost/caps.ts';
import { PRICE_TABLES } from '#scripts/cost/prices.ts';

const prices = PRICE_TABLES['us-east-1'];
if (prices === undefined) throw new Error('no us-east-1 prices');
const SECONDS = 730 * 3600;

describe('what the guardrails bound the bill to (npm run cost)', () => {
  it('prices a table cap as its maxima all month, on the table and each of its indexes', () => {
    const state = capBounds(prices, { recordBytes: 1024 }).find((b) => b.cap === 'DynamoDB state table');
    const perCopy = (10_000 * SECONDS * 0.625 + 10_000 * SECONDS * 0.125) / 1e6;
    expect(state?.boundUsd).toBeCloseTo(3 * perCopy, 6);
  });

  it('moves with the configured caps (a lower cap, a lower bound)', () => {
    const lower = {
      ...GUARDRAILS_DEFAULTS,
      tables: { ...GUARDRAILS_DEFAULTS.tables, rules: { maxReadRequestUnits: 10, maxWriteRequestUnits: 1 } },
    };
    const rulesOf = (guardrails = GUARDRAILS_DEFAULTS) =>
      capBounds(prices, { recordBytes: 1024, guardrails }).find((b) => b.cap === 'DynamoDB rules table')
        ?.boundUsd ?? 0;
    expect(rulesOf(lower)).toBeLessThan(rulesOf());
    expect(rulesOf(lower)).toBeCloseTo((SECONDS * (1 * 0.625 + 10 * 0.125)) / 1e6, 6);
  });

  it('shows no bound for a guardrail that is off, and says the budget is an alarm', () => {
    const off = {
      ...GUARDRAILS_DEFAULTS,
      reservedConcurrency: { lookupApi: 0, loadGenerator: 0 },
      callerLimits: { ...GUARDRAILS_DEFAULTS.callerLimits, enabled: false },
    };
    const bounds = capBounds(prices, { recordBytes: 1024, guardrails: off });
    const by = (cap: string) => bounds.find((b) => b.cap === cap);
    expect(by('lookup API reserved concurrency')?.boundUsd).toBeNull();
    expect(by('per-caller limits (WAF web ACL)')?.boundUsd).toBeNull();
    expect(by('monthly AWS Budget')?.note).toContain('not a cap');
    expect(formatCaps(bounds)).toContain('What each cap bounds the monthly bill to');
  });
});
