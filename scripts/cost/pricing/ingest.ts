/**
 * The front door's bill (issue 24): devices posting to POST /ingest (API Gateway REST + the ingest Lambda + its
 * idempotency table) next to direct Kafka producers (which add nothing to FleetStream's bill: MSK's data-in is the
 * same bytes either way, and is priced in the main model). Devices outside AWS reaching Kafka directly need a way into
 * the VPC; the direct column prices the smallest one (a Site-to-Site VPN connection and one collector instance).
 */
import { type LineItem, line, SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

/** Prices of the front door not in the main price table (us-east-1 list prices; check before quoting). */
export const FRONT_DOOR_PRICES = {
  checkedOn: '2026-12-06',
  apiGatewayRestPerMillion: {
    usd: 3.5,
    source: 'https://aws.amazon.com/api-gateway/pricing/ (REST, first 333M)',
  },
  vpnConnectionHour: {
    usd: 0.05,
    source: 'https://aws.amazon.com/vpn/pricing/ (Site-to-Site VPN connection-hour)',
  },
  collectorHour: {
    usd: 0.0168,
    source: 'assumption: one t4g.small running a Kafka producer (EC2 on-demand)',
  },
} as const;

export interface IngestAssumptions {
  /** Records per POST (the bench posts 500). */
  readonly batchRecords: number;
  /** Ingest Lambda duration per request (ms): bench ingest p50 when measured, else an assumption. */
  readonly durationMs: number;
  readonly memoryMb: number;
  /** Share of requests that carry an Idempotency-Key (each costs a claim and an answer write). */
  readonly idempotentShare: number;
}

export const DEFAULT_INGEST_ASSUMPTIONS: IngestAssumptions = {
  batchRecords: 500,
  durationMs: 60,
  memoryMb: 1024,
  idempotentShare: 1,
};

export interface FrontDoorCost {
  readonly requestsPerMonth: number;
  readonly ingest: { readonly lines: LineItem[]; readonly totalUsd: number };
  readonly direct: { readonly lines: LineItem[]; readonly totalUsd: number };
  /** Records/s above which the direct path (VPN + collector) costs less than ingest; ingest is cheaper below. */
  readonly breakEvenRecordsPerSecond: number;
}

const ingestCostPerRequest = (a: IngestAssumptions, p: PriceTable): number =>
  FRONT_DOOR_PRICES.apiGatewayRestPerMillion.usd / 1e6 +
  p.lambda.requestsPerMillion.usd / 1e6 +
  (a.durationMs / 1000) * (a.memoryMb / 1024) * p.lambda.gbSecondArm.usd +
  // Claim and answer: two writes of a small item (< 1 KB) per keyed request.
  (2 * a.idempotentShare * p.dynamodb.writeRequestUnitsPerMillion.usd) / 1e6;

export const frontDoorCost = (
  recordsPerSecond: number,
  a: IngestAssumptions,
  p: PriceTable,
): FrontDoorCost => {
  const requests = Math.ceil((recordsPerSecond * SECONDS_PER_MONTH) / a.batchRecords);
  const gbSeconds = requests * (a.durationMs / 1000) * (a.memoryMb / 1024);
  const writes = 2 * a.idempotentShare * requests;
  const ingestLines = [
    line(
      'API Gateway',
      `REST requests (${a.batchRecords} records each)`,
      requests,
      'requests',
      (requests / 1e6) * FRONT_DOOR_PRICES.apiGatewayRestPerMillion.usd,
    ),
    line(
      'Lambda',
      'ingest requests',
      requests,
      'requests',
      (requests / 1e6) * p.lambda.requestsPerMillion.usd,
    ),
    line(
      'Lambda',
      `ingest compute (${a.durationMs} ms at ${a.memoryMb} MB)`,
      gbSeconds,
      'GB-s',
      gbSeconds * p.lambda.gbSecondArm.usd,
    ),
    line(
      'DynamoDB',
      'idempotency writes (claim + answer)',
      writes,
      'WRU',
      (writes / 1e6) * p.dynamodb.writeRequestUnitsPerMillion.usd,
    ),
  ];
  const hours = SECONDS_PER_MONTH / 3600;
  const directLines = [
    line(
      'VPC',
      'Site-to-Site VPN connection (devices outside AWS)',
      hours,
      'hours',
      hours * FRONT_DOOR_PRICES.vpnConnectionHour.usd,
    ),
    line(
      'EC2',
      'one collector producing to Kafka',
      hours,
      'hours',
      hours * FRONT_DOOR_PRICES.collectorHour.usd,
    ),
  ];
  const sum = (lines: LineItem[]) => lines.reduce((total, l) => total + l.usd, 0);
  const directUsd = sum(directLines);
  const perRecord = ingestCostPerRequest(a, p) / a.batchRecords;
  return {
    requestsPerMonth: requests,
    ingest: { lines: ingestLines, totalUsd: sum(ingestLines) },
    direct: { lines: directLines, totalUsd: directUsd },
    breakEvenRecordsPerSecond: directUsd / perRecord / SECONDS_PER_MONTH,
  };
};

const usd = (v: number) => `$${v.toLocaleString('en-US', { maximumFractionDigits: v < 100 ? 2 : 0 })}`;

export const formatFrontDoor = (c: FrontDoorCost, recordsPerSecond: number): string =>
  [
    'Front door: where devices send (on top of the pipeline above; MSK data-in is the same bytes on both paths)',
    ...c.ingest.lines.map((l) => `  ingest   ${l.service} ${l.item}: ${usd(l.usd)}`),
    `  POST /ingest: ${usd(c.ingest.totalUsd)}/month (${c.requestsPerMonth.toLocaleString('en-US')} requests)`,
    '  direct Kafka from inside AWS (same VPC, client VPC, peering/TGW): $0 on this bill; the producers are yours',
    ...c.direct.lines.map((l) => `  direct   ${l.service} ${l.item}: ${usd(l.usd)}`),
    `  direct Kafka from outside AWS: ${usd(c.direct.totalUsd)}/month, flat`,
    `  ingest is cheaper below ~${Math.round(c.breakEvenRecordsPerSecond).toLocaleString('en-US')} records/s, direct above ` +
      `(now ${recordsPerSecond.toLocaleString('en-US')} records/s: ${c.ingest.totalUsd < c.direct.totalUsd ? 'ingest' : 'direct'} is cheaper)`,
  ].join('\n');
