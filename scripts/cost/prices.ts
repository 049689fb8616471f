/**
 * List prices the cost model uses, by region. These are public on-demand list prices as read on the date below;
 * they change, and discounts (Savings Plans, free tiers, enterprise agreements) are not applied. Check them at the
 * URLs before quoting a number to anyone. `source: 'assumption'` marks a price not confirmed against AWS's page here.
 */

export const PRICES_CHECKED_ON = '2026-11-21';

export interface Price {
  readonly usd: number;
  readonly unit: string;
  /** Where the number comes from; 'assumption' when it could not be confirmed. */
  readonly source: string;
}

export interface PriceTable {
  readonly region: string;
  readonly msk: {
    readonly clusterHour: Price;
    readonly partitionHour: Price;
    readonly storageGibMonth: Price;
    readonly dataInGib: Price;
    readonly dataOutGib: Price;
  };
  readonly lambda: {
    readonly requestsPerMillion: Price;
    /** arm64 (Graviton), the architecture every FleetStream function uses. */
    readonly gbSecondArm: Price;
  };
  readonly dynamodb: {
    readonly writeRequestUnitsPerMillion: Price;
    readonly readRequestUnitsPerMillion: Price;
    readonly storageGbMonth: Price;
  };
  readonly firehose: {
    /** Firehose with Amazon MSK as the source: per GB ingested, no 5 KB rounding. */
    readonly mskSourceGb: Price;
  };
  readonly s3: {
    readonly standardGbMonth: Price;
    readonly putPerThousand: Price;
  };
  readonly vpc: {
    /** Interface VPC endpoint, per endpoint per AZ. */
    readonly interfaceEndpointAzHour: Price;
  };
}

const MSK = 'https://aws.amazon.com/msk/pricing/ (MSK Serverless)';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/ (Arm, first tier)';
const DDB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the Nov 2024 on-demand price cut)';
const S3 = 'https://aws.amazon.com/s3/pricing/ (S3 Standard, first 50 TB)';

export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  'us-east-1': {
    region: 'us-east-1',
    msk: {
      clusterHour: { usd: 0.75, unit: 'cluster-hour', source: MSK },
      partitionHour: { usd: 0.0015, unit: 'partition-hour', source: MSK },
      storageGibMonth: { usd: 0.1, unit: 'GiB-month stored', source: MSK },
      dataInGib: { usd: 0.1, unit: 'GiB in', source: MSK },
      dataOutGib: { usd: 0.05, unit: 'GiB out', source: MSK },
    },
    lambda: {
      requestsPerMillion: { usd: 0.2, unit: '1M requests', source: LAMBDA },
      gbSecondArm: { usd: 0.0000133334, unit: 'GB-second (arm64)', source: LAMBDA },
    },
    dynamodb: {
      writeRequestUnitsPerMillion: { usd: 0.625, unit: '1M WRU', source: DDB },
      readRequestUnitsPerMillion: { usd: 0.125, unit: '1M RRU', source: DDB },
      storageGbMonth: {
        usd: 0.25,
        unit: 'GB-month',
        source: 'https://aws.amazon.com/dynamodb/pricing/ (Standard table class)',
      },
    },
    firehose: {
      mskSourceGb: {
        usd: 0.055,
        unit: 'GB ingested (MSK source)',
        source: 'assumption: https://aws.amazon.com/firehose/pricing/ "MSK as a source", first 500 TB/month',
      },
    },
    s3: {
      standardGbMonth: { usd: 0.023, unit: 'GB-month', source: S3 },
      putPerThousand: { usd: 0.005, unit: '1,000 PUT requests', source: S3 },
    },
    vpc: {
      interfaceEndpointAzHour: {
        usd: 0.01,
        unit: 'endpoint-AZ-hour',
        source: 'assumption: https://aws.amazon.com/privatelink/pricing/ (data processing ignored)',
      },
    },
  },
};

export const SUPPORTED_REGIONS = Object.keys(PRICE_TABLES);

/** Flat rows for printing the table the model used. */
export const priceRows = (table: PriceTable): { service: string; item: string; price: Price }[] =>
  Object.entries(table)
    .filter(([, value]) => typeof value === 'object')
    .flatMap(([service, items]) =>
      Object.entries(items as Record<string, Price>).map(([item, price]) => ({ service, item, price })),
    );
