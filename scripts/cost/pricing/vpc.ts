/** VPC: the interface endpoints the MSK event source needs without a NAT gateway. */
import { HOURS_PER_MONTH, type LineItem, line } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

export const vpcLine = (interfaceEndpoints: number, availabilityZones: number, p: PriceTable): LineItem => {
  const hours = interfaceEndpoints * availabilityZones * HOURS_PER_MONTH;
  return line(
    'VPC',
    `interface endpoints (${interfaceEndpoints} × ${availabilityZones} AZ)`,
    hours,
    'endpoint-AZ-h',
    hours * p.vpc.interfaceEndpointAzHour.usd,
    'Lambda + STS for the MSK event source and SQS for its on-failure destination, without a NAT; a NAT gateway costs more',
  );
};
