import type { Price, PriceTable } from '#scripts/cost/prices.ts';

const price = (usd: number): Price => ({ usd, unit: 'unit', source: 'test' });

/** Distinct prices per item, so a line priced with another item's price shows. */
export const testPrices: PriceTable = {
  region: 'test-1',
  msk: {
    clusterHour: price(0.5),
    partitionHour: price(0.01),
    storageGibMonth: price(0.1),
    dataInGib: price(0.2),
    dataOutGib: price(0.03),
  },
  lambda: { requestsPerMillion: price(0.25), gbSecondArm: price(0.00002) },
  dynamodb: {
    writeRequestUnitsPerMillion: price(0.7),
    readRequestUnitsPerMillion: price(0.13),
    storageGbMonth: price(0.3),
  },
  firehose: { mskSourceGb: price(0.06) },
  s3: { standardGbMonth: price(0.02), putPerThousand: price(0.004) },
  vpc: { interfaceEndpointAzHour: price(0.011) },
};
