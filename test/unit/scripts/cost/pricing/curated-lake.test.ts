import { describe, expect, it } from 'vitest';
import { PRICE_TABLES } from '#scripts/cost/prices.ts';
import {
  ATHENA_USD_PER_TB,
  CURATED_MEASURED,
  curatedLakeLines,
  monthValueGb,
  NAMED_QUERY_COLUMNS,
  namedQueryScans,
  QUERY_RUNS_PER_MONTH,
} from '#scripts/cost/pricing/curated-lake.ts';

/** The curated table in the bill: compaction scans, Parquet storage, and what the named queries scan per table. */

const prices = PRICE_TABLES['us-east-1'];
if (prices === undefined) throw new Error('no us-east-1 prices');
// The blog scenario: 5,000 modems × 2 records/s × 1 KB.
const valueGb = monthValueGb(10_000, 1024);

describe('curated lake cost', () => {
  it('scans every raw byte per named query over the raw table, only the columns read over the curated one', () => {
    const scans = namedQueryScans(valueGb, 0.2);
    expect(scans.map((s) => s.query)).toEqual(Object.keys(NAMED_QUERY_COLUMNS));
    const rawTb = (QUERY_RUNS_PER_MONTH * valueGb * 0.2 * 1e9) / 1e12;
    for (const s of scans) {
      expect(s.rawTbPerMonth).toBeCloseTo(rawTb, 6);
      expect(s.rawUsdPerMonth).toBeCloseTo(rawTb * ATHENA_USD_PER_TB, 6);
      expect(s.curatedTbPerMonth).toBeLessThan(s.rawTbPerMonth * CURATED_MEASURED.parquetToGzip);
    }
    const perHour = scans.find((s) => s.query === 'records-per-model-per-hour');
    expect(perHour?.curatedUsdPerMonth).toBeLessThan(1);
  });

  it('prices the compaction as Athena bytes over each hour window twice, and the Parquet storage', () => {
    const lines = curatedLakeLines(valueGb, 0.2, prices);
    const athena = lines.find((l) => l.service === 'Athena');
    expect(athena?.quantity).toBeCloseTo((valueGb * 0.2 * 2 * 5 * 1e9) / 1e12, 6);
    expect(athena?.usd).toBeCloseTo((athena?.quantity ?? 0) * ATHENA_USD_PER_TB, 6);
    const storage = lines.find((l) => l.unit === 'GB-month');
    expect(storage?.quantity).toBeCloseTo(valueGb * 0.2 * CURATED_MEASURED.parquetToGzip, 6);
  });

  it('keeps the measured column shares a partition of the file', () => {
    const total = Object.values(CURATED_MEASURED.columnShare).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 1);
  });
});
