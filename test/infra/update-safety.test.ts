import { describe, expect, it } from 'vitest';
import { synthFleetStream } from '#test/support/infra.ts';
import { type CfnTemplate, type Resource, replacedResources } from '#test/support/replacements.ts';

// A config change must never replace what holds data: CloudFormation would create an empty twin (or fail on a fixed
// name) and delete or orphan the original. Each case synthesizes the app before and after a change and compares.
const STATEFUL_TYPES = [
  'AWS::MSK::ServerlessCluster',
  'Custom::KafkaTopic',
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::KinesisFirehose::DeliveryStream',
  // Named by necessity (both types require a name); a replacement would drop partitions or query history.
  'AWS::Glue::Database',
  'AWS::Glue::Table',
  'AWS::Athena::WorkGroup',
];

type Context = Record<string, unknown>;

type Templates = Record<'stateful' | 'processing', CfnTemplate>;
// Synthesis is the slow part and most cases start from the defaults: synthesize each distinct context once.
const synthesized = new Map<string, Templates>();
const templates = (context: Context): Templates => {
  const key = JSON.stringify(context);
  const cached = synthesized.get(key);
  if (cached !== undefined) return cached;
  const s = synthFleetStream(context);
  const fresh = { stateful: s.stateful$.toJSON(), processing: s.processing$.toJSON() };
  synthesized.set(key, fresh);
  return fresh;
};

const statefulIds = (template: CfnTemplate): string[] =>
  Object.entries(template.Resources ?? {})
    .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
    .map(([id]) => id);

/** Every stateful resource replaced by moving from `from` to `to`, as `Stack/LogicalId: reason`. */
const replacementsOf = (from: Context, to: Context): string[] => {
  const before = templates(from);
  const after = templates(to);
  return (['stateful', 'processing'] as const).flatMap((stack) =>
    [...replacedResources(before[stack], after[stack], statefulIds(before[stack]))].map(
      ([id, reason]) => `${stack}/${id}: ${reason}`,
    ),
  );
};

const pollers = { minimum: 2, maximum: 20 };

// [what changes, from, to]: every setting documented as "in place" in docs/OPERATIONS.md.
const IN_PLACE: [string, Context, Context][] = [
  ['egress endpoints → nat', {}, { vpc: { egress: 'nat' } }],
  ['egress nat → endpoints', { vpc: { egress: 'nat' } }, {}],
  ['egress endpoints → nat with 3 AZs', { vpc: { maxAzs: 3 } }, { vpc: { maxAzs: 3, egress: 'nat' } }],
  ['more partitions', {}, { topicPartitions: 48 }],
  [
    'processor batch, window, memory, timeout',
    {},
    { processor: { batchSize: 500, maxBatchingWindowSeconds: 30, memoryMb: 2048, timeoutSeconds: 300 } },
  ],
  ['processor starting position', {}, { processor: { startingPosition: 'LATEST' } }],
  ['processor consumer group', {}, { processor: { consumerGroupId: 'replay-2026-11' } }],
  ['provisioned pollers on', {}, { processor: { provisionedPollers: pollers } }],
  ['provisioned pollers off', { processor: { provisionedPollers: pollers } }, {}],
  ['alert and ops emails', {}, { alertEmail: 'noc@example.com', opsEmail: 'ops@example.com' }],
  ['window retention', {}, { windowRetentionDays: 30 }],
  ['deletion protection off', {}, { deletionProtection: false }],
  ['delete topic on removal', {}, { deleteTopicOnRemoval: true }],
  [
    'API limits and account role',
    {},
    { api: { rateLimit: 10, burstLimit: 20, accountCloudWatchRole: false } },
  ],
];

describe('update safety: config changes never replace a stateful resource', () => {
  it.each(IN_PLACE)('%s', (_change, from, to) => {
    expect(replacementsOf(from, to)).toEqual([]);
  });
});

describe('update safety: the changes documented as replacing are detected as such', () => {
  // These also prove the check can fail: were it blind, they would pass as "in place".
  it('maxAzs (fixed at creation) replaces the cluster under a new name and the archive stream that reads it', () => {
    const replaced = replacementsOf({}, { vpc: { maxAzs: 3 } });
    expect(
      replaced.some((r) =>
        /^stateful\/KafkaCluster[0-9A-F]{8}: create-only \/properties\/(ClusterName|VpcConfigs)/.test(r),
      ),
    ).toBe(true);
    expect(replaced.some((r) => /^stateful\/RawArchive[0-9A-F]{8}: .*KafkaCluster/.test(r))).toBe(true);
    expect(replaced.some((r) => r.includes('Table'))).toBe(false);
  });

  it('topicName replaces the topic resource and the archive stream (a new, empty topic)', () => {
    const replaced = replacementsOf({}, { topicName: 'modem-telemetry-v2' });
    expect(replaced.some((r) => /^stateful\/Topic[0-9A-F]{8}: create-only \/properties\/Topic/.test(r))).toBe(
      true,
    );
    expect(
      replaced.some((r) =>
        /^stateful\/RawArchive[0-9A-F]{8}: create-only \/properties\/MSKSourceConfiguration/.test(r),
      ),
    ).toBe(true);
  });
});

describe('the MSK cluster across egress modes', () => {
  const clusterOf = (template: CfnTemplate): Resource => {
    const cluster = Object.values(template.Resources ?? {}).find(
      (r) => r.Type === 'AWS::MSK::ServerlessCluster',
    );
    if (cluster === undefined) throw new Error('no MSK cluster in the template');
    return cluster;
  };
  const clusterSubnets = (template: CfnTemplate) => {
    const configs = (clusterOf(template).Properties?.VpcConfigs ?? []) as { SubnetIds: { Ref: string }[] }[];
    const [config] = configs;
    return (config?.SubnetIds ?? []).map(({ Ref: id }) => {
      const subnet = template.Resources?.[id]?.Properties ?? {};
      return [id, subnet.CidrBlock, subnet.AvailabilityZone];
    });
  };

  it('sits in the same subnets (logical ids, CIDRs, AZs) with endpoints and with NAT', () => {
    const endpoints = clusterSubnets(templates({}).stateful);
    expect(endpoints).toHaveLength(2);
    expect(clusterSubnets(templates({ vpc: { egress: 'nat' } }).stateful)).toEqual(endpoints);
  });

  it('spreads over as many AZs as maxAzs says (an environment-agnostic stack would otherwise get two)', () => {
    const subnets = clusterSubnets(templates({ vpc: { maxAzs: 3 } }).stateful);
    expect(subnets).toHaveLength(3);
    expect(new Set(subnets.map(([, , az]) => JSON.stringify(az))).size).toBe(3);
  });

  it('is retained on stack deletion and on replacement, and its name is not fixed across placements', () => {
    const twoAzs = clusterOf(templates({}).stateful);
    const threeAzs = clusterOf(templates({ vpc: { maxAzs: 3 } }).stateful);
    expect(twoAzs).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    // A replacement gets a new name, so it can be created while the retained original still exists.
    expect(threeAzs.Properties?.ClusterName).not.toEqual(twoAzs.Properties?.ClusterName);
  });
});
