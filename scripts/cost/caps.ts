/**
 * What each guardrail (issue 25, lib/config/guardrails.ts) bounds the monthly bill to: the most a capped item can cost
 * if it runs at its cap for the whole month. A ceiling, not a forecast: `npm run cost` prices the expected bill above it.
 * The budget is listed too, but it is an alarm, not a cap.
 */

import { TABLE_IDS, TABLES } from '#core/contract/index.ts';
import { LISTING_SCAN_BUDGET } from '#lambda/lookup-api/scan-budget.ts';
import { GUARDRAILS_DEFAULTS, type GuardrailsConfig } from '#lib/config/guardrails.ts';
import { CONFIG_DEFAULTS } from '#lib/config.ts';
import { LOAD_GENERATOR_MEMORY_MB } from '#lib/constructs/load-generator.ts';
import { LOOKUP_API_MEMORY_MB } from '#lib/constructs/lookup-api.ts';
import { GIB, SECONDS_PER_MONTH } from './line-item.ts';
import type { PriceTable } from './prices.ts';

/** Prices only the caps need (us-east-1 list prices; not in the shared table, whose regions these may not match). */
export const CAP_PRICES = {
  apiGatewayRestPerMillion: {
    usd: 3.5,
    source: 'https://aws.amazon.com/api-gateway/pricing/ (REST, first 333M)',
  },
  wafWebAclMonth: { usd: 5, source: 'https://aws.amazon.com/waf/pricing/' },
  wafRuleMonth: { usd: 1, source: 'https://aws.amazon.com/waf/pricing/' },
  wafRequestsPerMillion: { usd: 0.6, source: 'https://aws.amazon.com/waf/pricing/' },
} as const;

export interface CapBound {
  readonly cap: string;
  readonly setting: string;
  /** The most the capped item can cost in a month (USD); null when the guardrail is an alarm or is off. */
  readonly boundUsd: number | null;
  readonly note: string;
}

const perMonth = (unitsPerSecond: number, pricePerMillion: number) =>
  (unitsPerSecond * SECONDS_PER_MONTH * pricePerMillion) / 1e6;

const lambdaMonth = (concurrency: number, memoryMb: number, prices: PriceTable) =>
  concurrency * (memoryMb / 1024) * SECONDS_PER_MONTH * prices.lambda.gbSecondArm.usd;

const tableBounds = (g: GuardrailsConfig, prices: PriceTable): CapBound[] =>
  TABLE_IDS.map((id) => {
    const cap = g.tables[id];
    // The table and each index are capped separately: a table write can add an index write.
    const copies = 1 + TABLES[id].indexes.length;
    const usd =
      copies *
      (perMonth(cap.maxWriteRequestUnits, prices.dynamodb.writeRequestUnitsPerMillion.usd) +
        perMonth(cap.maxReadRequestUnits, prices.dynamodb.readRequestUnitsPerMillion.usd));
    return {
      cap: `DynamoDB ${id} table`,
      setting: `${cap.maxWriteRequestUnits} WRU/s, ${cap.maxReadRequestUnits} RRU/s${copies > 1 ? ` (table + ${copies - 1} index)` : ''}`,
      boundUsd: usd,
      note: 'requests above the maxima are throttled',
    };
  });

const apiBounds = (g: GuardrailsConfig, prices: PriceTable, stageRps: number): CapBound[] => {
  const reserved = g.reservedConcurrency.lookupApi;
  const requestsPerMonth = stageRps * SECONDS_PER_MONTH;
  const limits = g.callerLimits;
  const perCallerListings = limits.unfilteredListingsPerWindow / limits.windowSeconds;
  // Worst case per listing: the read-unit budget plus one 1 MB page (eventually consistent: 128 units).
  const listingUnits = LISTING_SCAN_BUDGET.maxReadUnits + 128;
  return [
    {
      cap: 'lookup API (API Gateway stage throttle)',
      setting: `${stageRps} requests/s`,
      boundUsd:
        (requestsPerMonth *
          (CAP_PRICES.apiGatewayRestPerMillion.usd + prices.lambda.requestsPerMillion.usd)) /
        1e6,
      note: 'API Gateway + Lambda requests; beyond the throttle callers get 429',
    },
    {
      cap: 'lookup API reserved concurrency',
      setting: reserved === 0 ? 'unreserved' : `${reserved} × ${LOOKUP_API_MEMORY_MB} MB`,
      boundUsd: reserved === 0 ? null : lambdaMonth(reserved, LOOKUP_API_MEMORY_MB, prices),
      note: 'Lambda compute if every reserved instance ran all month',
    },
    {
      cap: 'unfiltered listings per caller (WAF)',
      setting: limits.enabled
        ? `${limits.unfilteredListingsPerWindow}/${limits.windowSeconds} s × ≤ ${listingUnits} RRU each`
        : 'off',
      boundUsd: limits.enabled
        ? perMonth(perCallerListings * listingUnits, prices.dynamodb.readRequestUnitsPerMillion.usd)
        : null,
      note: 'per source address; the scan budget caps each request',
    },
    {
      cap: 'per-caller limits (WAF web ACL)',
      setting: limits.enabled ? `2 rules, ${stageRps} requests/s at most` : 'off',
      boundUsd: limits.enabled
        ? CAP_PRICES.wafWebAclMonth.usd +
          2 * CAP_PRICES.wafRuleMonth.usd +
          (requestsPerMonth * CAP_PRICES.wafRequestsPerMillion.usd) / 1e6
        : null,
      note: 'what the guard itself costs at the stage throttle',
    },
  ];
};

const loadGeneratorBounds = (g: GuardrailsConfig, prices: PriceTable, recordBytes: number): CapBound[] => {
  const reserved = g.reservedConcurrency.loadGenerator;
  const { maxRate } = g.loadGenerator;
  const bytesPerMonth = (reserved === 0 ? 1 : reserved) * maxRate * recordBytes * SECONDS_PER_MONTH;
  return [
    {
      cap: 'load generator',
      setting: `${reserved === 0 ? 'unreserved' : `${reserved} ×`} ≤ ${maxRate} records/s, ≤ ${g.loadGenerator.maxDevices} devices`,
      boundUsd:
        reserved === 0
          ? null
          : lambdaMonth(reserved, LOAD_GENERATOR_MEMORY_MB, prices) +
            (bytesPerMonth / GIB) * prices.msk.dataInGib.usd,
      note: `Lambda compute + MSK data in at ${recordBytes} B/record, all month`,
    },
  ];
};

export interface CapOptions {
  readonly recordBytes: number;
  /** @default the shipped stage throttle */
  readonly stageRps?: number;
  readonly guardrails?: GuardrailsConfig;
}

/** Every guardrail with the monthly ceiling it puts on its item. */
export const capBounds = (prices: PriceTable, options: CapOptions): CapBound[] => {
  const g = options.guardrails ?? GUARDRAILS_DEFAULTS;
  const stageRps = options.stageRps ?? CONFIG_DEFAULTS.api.rateLimit;
  return [
    ...tableBounds(g, prices),
    ...apiBounds(g, prices, stageRps),
    ...loadGeneratorBounds(g, prices, options.recordBytes),
    {
      cap: 'monthly AWS Budget',
      setting: g.monthlyBudgetUsd === 0 ? 'off' : `$${g.monthlyBudgetUsd}`,
      boundUsd: null,
      note: 'an alarm at 80% actual / 100% forecast, not a cap: AWS keeps billing',
    },
  ];
};

const usd = (n: number | null) => (n === null ? '—' : `$${Math.round(n).toLocaleString('en-US')}`);

/** The caps as a text table, for `npm run cost`. */
export const formatCaps = (bounds: readonly CapBound[]): string => {
  const rows = bounds.map((b) => [b.cap, b.setting, usd(b.boundUsd), b.note]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    [r[0]?.padEnd(widths[0] ?? 0), r[1]?.padEnd(widths[1] ?? 0), r[2]?.padStart(widths[2] ?? 0), r[3]].join(
      '  ',
    ),
  );
  return [
    'What each cap bounds the monthly bill to (guardrails defaults; a ceiling, not a forecast):',
    ...lines.map((l) => `  ${l}`),
  ].join('\n');
};
