/** The raw archive: Firehose reading the topic, S3 storing gzip objects, and the PUTs that write them. */
import { GB, type LineItem, line, SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

/**
 * @param valueGb record values written in a month, in GB
 * @param compressionRatio compressed / raw size of the gzip JSON lake
 */
export const lakeLines = (valueGb: number, compressionRatio: number, p: PriceTable): LineItem[] => {
  const lakeGb = valueGb * compressionRatio;
  // Firehose writes at least one object per 300 s buffer, more when 64 MiB fill sooner.
  const lakeObjects = Math.max(SECONDS_PER_MONTH / 300, (lakeGb * GB) / (64 * 1024 * 1024));
  return [
    line('Firehose', 'ingested from MSK (raw archive)', valueGb, 'GB', valueGb * p.firehose.mskSourceGb.usd),
    line(
      'S3',
      `storage of one month of raw data (gzip ≈ ${compressionRatio}×)`,
      lakeGb,
      'GB-month',
      lakeGb * p.s3.standardGbMonth.usd,
      'grows by this every month the lake is kept',
    ),
    line(
      'S3',
      'PUT requests (Firehose objects)',
      lakeObjects,
      'requests',
      (lakeObjects / 1000) * p.s3.putPerThousand.usd,
    ),
  ];
};

/** Alerts are edge-triggered (a state change, not a record), so SNS is listed at zero. */
export const snsLine = (): LineItem =>
  line('SNS', 'alert notifications', 0, 'publishes', 0, 'negligible: edge-triggered alerts, not per record');
