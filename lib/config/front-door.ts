/**
 * The front door's configuration keys (docs/OPERATIONS.md "Connect a producer"): client VPCs of the MSK Serverless
 * cluster, accounts whose principals may produce through a role, and the ingest function's concurrency. Type, default
 * and parsing live here; lib/config.ts only wires them in.
 */
import { custom, int, section } from '#lib/config/schema.ts';

/** MSK Serverless accepts at most 5 VPC configurations per cluster, the stack's own VPC being one of them. */
export const MAX_CLIENT_VPCS = 4;
/** Accounts a producer role may trust (a trust policy stays far below IAM's 2,048-character default quota). */
export const MAX_PRODUCER_ACCOUNTS = 20;
export const INGEST_CONCURRENCY = { min: 1, max: 1_000 } as const;

/**
 * Another VPC of this account (or a subnet shared with it through RAM) in which MSK Serverless puts endpoints of the
 * cluster. Fixed at creation like `vpc.maxAzs`: `VpcConfigs` is create-only, so a change replaces the cluster.
 */
export interface ClientVpc {
  readonly vpcId: string;
  /** At least two, in two AZs (MSK Serverless's rule for every VPC configuration). */
  readonly subnetIds: readonly string[];
  /** Put on the cluster's endpoints in that VPC: they must admit the producers on 9098. @default the VPC's default group */
  readonly securityGroupIds: readonly string[];
}

/** Reserved concurrency of the ingest function when `ingest.reservedConcurrency` is absent. */
const DEFAULT_INGEST_CONCURRENCY = 10;

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const ACCOUNT_ID = /^\d{12}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const idList = (errors: string[], value: unknown, path: string, re: RegExp, min: number): string[] => {
  const list = value ?? [];
  if (!Array.isArray(list) || list.some((id) => typeof id !== 'string' || !re.test(id))) {
    errors.push(`${path} must be a list of ids matching ${re.source}, got ${JSON.stringify(value)}`);
    return [];
  }
  if (list.length < min) errors.push(`${path} needs at least ${min} entries, got ${list.length}`);
  if (new Set(list).size !== list.length) errors.push(`${path} lists an id twice`);
  return list as string[];
};

const parseClientVpc = (errors: string[], raw: unknown, path: string): ClientVpc | undefined => {
  if (!isObject(raw)) {
    errors.push(
      `${path} must be an object {vpcId, subnetIds, securityGroupIds?}, got ${JSON.stringify(raw)}`,
    );
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!['vpcId', 'subnetIds', 'securityGroupIds'].includes(key))
      errors.push(`${path}.${key} is not a known setting (known: vpcId, subnetIds, securityGroupIds)`);
  if (typeof raw.vpcId !== 'string' || !VPC_ID.test(raw.vpcId))
    errors.push(`${path}.vpcId must be a VPC id (vpc-…), got ${JSON.stringify(raw.vpcId)}`);
  return {
    vpcId: String(raw.vpcId),
    subnetIds: idList(errors, raw.subnetIds, `${path}.subnetIds`, SUBNET_ID, 2),
    securityGroupIds: idList(errors, raw.securityGroupIds, `${path}.securityGroupIds`, GROUP_ID, 0),
  };
};

/** `vpc.clientVpcs`: up to {@link MAX_CLIENT_VPCS} other VPCs, each once. */
export const parseClientVpcs = (errors: string[], raw: unknown, path: string): ClientVpc[] => {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_CLIENT_VPCS) {
    errors.push(
      `${path} must be a list of at most ${MAX_CLIENT_VPCS} VPCs (MSK Serverless takes 5, the stack's own included), got ${JSON.stringify(raw)}`,
    );
    return [];
  }
  const vpcs = raw.flatMap((entry, i) => parseClientVpc(errors, entry, `${path}[${i}]`) ?? []);
  if (new Set(vpcs.map((v) => v.vpcId)).size !== vpcs.length) errors.push(`${path} lists a VPC twice`);
  return vpcs;
};

/** `producerAccounts`: 12-digit account ids trusted by the producer role. */
export const parseProducerAccounts = (errors: string[], raw: unknown, path: string): string[] => {
  const accounts = idList(errors, raw, path, ACCOUNT_ID, 0);
  if (accounts.length > MAX_PRODUCER_ACCOUNTS)
    errors.push(`${path} takes at most ${MAX_PRODUCER_ACCOUNTS} accounts, got ${accounts.length}`);
  return accounts;
};

/** `vpc.clientVpcs` as an entry of the settings table in lib/config.ts. */
export const CLIENT_VPCS = custom<readonly ClientVpc[]>({
  default: [],
  shownDefault: '`[]`',
  range: `up to ${MAX_CLIENT_VPCS} \`{vpcId, subnetIds (≥ 2), securityGroupIds?}\``,
  doc: '**Fixed at creation** like `maxAzs` (`VpcConfigs` is create-only): other VPCs in which MSK Serverless puts endpoints of the cluster (docs/OPERATIONS.md "Connect a producer")',
  parse: (c, raw, path) => parseClientVpcs(c.errors, raw, path),
});

/** `producerAccounts` as an entry of the settings table. */
export const PRODUCER_ACCOUNTS = custom<readonly string[]>({
  default: [],
  shownDefault: '`[]`',
  range: `up to ${MAX_PRODUCER_ACCOUNTS} 12-digit account ids`,
  doc: 'Accounts whose principals may assume the producer role',
  parse: (c, raw, path) => parseProducerAccounts(c.errors, raw, path),
});

/** `ingest` as a section of the settings table. */
export const INGEST = section({
  reservedConcurrency: int({
    ...INGEST_CONCURRENCY,
    default: DEFAULT_INGEST_CONCURRENCY,
    doc: 'Reserved (and so maximum) concurrent executions of the `POST /ingest` function',
  }),
});
