/** Renders a cost report as the plain-text tables `npm run cost` prints. Pure. */
import type { CostReport, DesignCost, LineItem } from './model.ts';
import { PRICES_CHECKED_ON, type PriceTable, priceRows } from './prices.ts';

const number = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** Quantities span 10^0–10^12: two significant decimals for small ones, grouping for big ones. */
export const quantity = (value: number): string => {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1e9) return `${number(value / 1e9, 2)} bn`;
  if (Math.abs(value) >= 1e6) return `${number(value / 1e6, 2)} M`;
  return number(value, Math.abs(value) < 10 ? 2 : 0);
};

export const usd = (value: number): string =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Left-aligned text columns, right-aligned numeric ones (those flagged in `right`). */
export const table = (header: string[], rows: string[][], right: boolean[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) =>
    right[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const render = (r: string[]) => r.map(cell).join('  ').replace(/\s+$/, '');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)].join('\n');
};

const designTable = (d: DesignCost): string =>
  table(
    ['service', 'item', 'quantity', 'unit', 'USD/month'],
    [
      ...d.lines.map((l: LineItem) => [l.service, l.item, quantity(l.quantity), l.unit, usd(l.usd)]),
      ['total', '', '', '', usd(d.totalUsd)],
    ],
    [false, false, true, false, true],
  );

const byService = (d: DesignCost): Map<string, number> => {
  const out = new Map<string, number>();
  for (const l of d.lines) out.set(l.service, (out.get(l.service) ?? 0) + l.usd);
  return out;
};

const summaryTable = (r: CostReport): string => {
  const fs = byService(r.fleetstream);
  const nv = byService(r.naive);
  const awsServices = [...new Set([...fs.keys(), ...nv.keys()])];
  const rows = awsServices.map((s) => [s, usd(fs.get(s) ?? 0), nv.has(s) ? usd(nv.get(s) ?? 0) : '— (none)']);
  rows.push(['total', usd(r.fleetstream.totalUsd), usd(r.naive.totalUsd)]);
  return table(['service', 'FleetStream', 'naive'], rows, [false, true, true]);
};

export const formatReport = (r: CostReport, prices: PriceTable): string => {
  const s = r.scenario;
  const d = r.derived;
  const perDevice = s.recordsPerSecond / s.devices;
  const fsDb = byService(r.fleetstream).get('DynamoDB') ?? 0;
  const nvDb = byService(r.naive).get('DynamoDB') ?? 0;
  const out = [
    `FleetStream monthly cost model — ${r.region} on-demand list prices as checked on ${PRICES_CHECKED_ON} (verify before quoting)`,
    '',
    `Scenario: ${number(s.devices)} devices × ${number(perDevice, 3)} records/s = ${number(s.recordsPerSecond)} records/s of ` +
      `${number(s.recordBytes)} bytes → ${quantity(d.recordsPerMonth)} records/month, ${number(d.ingressMBps, 2)} MB/s into Kafka` +
      (r.assumptions.recordsPerReport > 1
        ? `, ${number(r.assumptions.recordsPerReport, 2)} records per report`
        : '') +
      (r.assumptions.compression !== 'none'
        ? ` (${r.assumptions.compression}: ×${r.assumptions.wireRatio} on the wire)`
        : ''),
    `Kafka: ${d.partitions} partitions on ${d.clusters} MSK Serverless cluster${d.clusters > 1 ? 's' : ''}. ` +
      `Lambda: batch ≈ ${number(d.recordsPerBatch)} records per partition, ${number(d.invocationsPerSecond, 1)} invocations/s, ` +
      `≈ ${number(d.devicesPerBatch)} devices and ${number(d.windowsPerBatch)} minute-windows per batch`,
    `Calibration: ${r.calibrationSource}`,
    '',
    'FleetStream (coalesced state, windows, fleet aggregates, raw archive in S3):',
    designTable(r.fleetstream),
    '',
    'Naive design (the blog: one PutItem per record, every partition read, no archive):',
    designTable(r.naive),
    '',
    'Summary:',
    summaryTable(r),
    '',
    `DynamoDB item writes per 1,000 records: FleetStream ${number(r.fleetstream.itemWritesPer1k, 1)}, naive ` +
      `${number(r.naive.itemWritesPer1k, 1)}; DynamoDB bill ${usd(fsDb)} vs ${usd(nvDb)}.`,
    'Not included: API Gateway and lookup-API Lambda (per query), CloudWatch Logs/metrics, VPC flow logs, data ' +
      'transfer out of AWS, free tiers, Savings Plans.',
  ];
  if (r.warnings.length > 0) out.push('', ...r.warnings.map((w) => `warning: ${w}`));
  out.push('', 'Prices used:', priceTableText(prices));
  return out.join('\n');
};

const priceTableText = (prices: PriceTable): string =>
  table(
    ['service', 'item', 'USD', 'per', 'source'],
    priceRows(prices).map(({ service, item, price }) => [
      service,
      item,
      String(price.usd),
      price.unit,
      price.source,
    ]),
    [false, false, true, false, false],
  );
