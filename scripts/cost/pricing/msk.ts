/** MSK Serverless: cluster-hours, partition-hours, data in, data out per reader, retained storage. */
import { GIB, HOURS_PER_MONTH, type LineItem, line } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

export interface MskUsage {
  readonly clusters: number;
  readonly partitions: number;
  /** Bytes written to the topic in a month (values + Kafka overhead). */
  readonly monthBytesIn: number;
  /** Consumers reading the whole topic (FleetStream: processor + Firehose). */
  readonly readers: number;
  readonly retentionDays: number;
}

export const mskLines = (u: MskUsage, p: PriceTable): LineItem[] => {
  const gib = (bytes: number) => bytes / GIB;
  return [
    line(
      'MSK Serverless',
      'cluster-hours',
      u.clusters * HOURS_PER_MONTH,
      'cluster-h',
      u.clusters * HOURS_PER_MONTH * p.msk.clusterHour.usd,
    ),
    line(
      'MSK Serverless',
      `partition-hours (${u.partitions} partitions)`,
      u.partitions * HOURS_PER_MONTH,
      'partition-h',
      u.partitions * HOURS_PER_MONTH * p.msk.partitionHour.usd,
    ),
    line('MSK Serverless', 'data in', gib(u.monthBytesIn), 'GiB', gib(u.monthBytesIn) * p.msk.dataInGib.usd),
    line(
      'MSK Serverless',
      `data out (${u.readers} reader${u.readers > 1 ? 's' : ''})`,
      gib(u.monthBytesIn * u.readers),
      'GiB',
      gib(u.monthBytesIn * u.readers) * p.msk.dataOutGib.usd,
    ),
    line(
      'MSK Serverless',
      `storage (${u.retentionDays}-day retention)`,
      gib(u.monthBytesIn) * (u.retentionDays / 30.42),
      'GiB-month',
      gib(u.monthBytesIn) * (u.retentionDays / 30.42) * p.msk.storageGibMonth.usd,
    ),
  ];
};
