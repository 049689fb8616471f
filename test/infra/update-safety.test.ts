import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FailureQueue } from '#lib/constructs/failure-queue.ts';
import { synthFleetStream, testApp } from '#test/support/infra.ts';
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
  // Recovery material (issue 25): the failure queues point at batches Lambda gave up on; logs say who did what.
  'AWS::SQS::Queue',
  'AWS::Logs::LogGroup',
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
  ['new-device cap', {}, { processorGuardrails: { newDevicesPerPartitionMinute: 50 } }],
  ['deletion protection off', {}, { deletionProtection: false }],
  ['delete topic on removal', {}, { deleteTopicOnRemoval: true }],
  ['producer accounts added', {}, { producerAccounts: ['111122223333'] }],
  [
    'producer accounts changed',
    { producerAccounts: ['111122223333'] },
    { producerAccounts: ['444455556666'] },
  ],
  ['producer accounts removed', { producerAccounts: ['111122223333'] }, {}],
  ['ingest reserved concurrency', {}, { ingest: { reservedConcurrency: 50 } }],
  [
    'API limits and account role',
    {},
    { api: { rateLimit: 10, burstLimit: 20, accountCloudWatchRole: false } },
  ],
  [
    'table maxima and warm throughput',
    {},
    {
      guardrails: {
        tables: { state: { maxReadRequestUnits: 500, maxWriteRequestUnits: 400 } },
        stateWarmThroughput: { readUnitsPerSecond: 20_000, writeUnitsPerSecond: 8_000 },
      },
    },
  ],
  [
    'reserved concurrency and load-generator bounds',
    {},
    {
      guardrails: {
        reservedConcurrency: { lookupApi: 0, loadGenerator: 5 },
        loadGenerator: { maxDevices: 10 },
      },
    },
  ],
  ['budget off', {}, { guardrails: { monthlyBudgetUsd: 0 } }],
  ['budget amount', {}, { guardrails: { monthlyBudgetUsd: 5_000 } }],
  ['caller limits off', {}, { guardrails: { callerLimits: { enabled: false } } }],
  ['caller limits on', { guardrails: { callerLimits: { enabled: false } } }, {}],
  [
    'caller limit values',
    {},
    {
      guardrails: {
        callerLimits: { requestsPerWindow: 100, unfilteredListingsPerWindow: 20, windowSeconds: 60 },
      },
    },
  ],
  ['lake Object Lock on (one-way)', {}, { guardrails: { lakeObjectLockDays: 30 } }],
  ['curated lake schedule', {}, { curatedLake: { delayMinutes: 20, lateHours: 6 } }],
  ['curated lake turned on', { curatedLake: { enabled: false } }, {}],
  // Turning it on is also what deploying this version over one without the sweep does (disabled = no sweep resource).
  ['silence sweep turned on', { silenceSweep: { enabled: false } }, {}],
  ['silence sweep stall threshold', {}, { silenceSweep: { stallAfterSeconds: 600 } }],
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

  it('vpc.clientVpcs (fixed at creation: VpcConfigs is create-only) replaces the cluster under a new name', () => {
    const clientVpc = { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0000000a', 'subnet-0000000b'] };
    for (const [from, to] of [
      [{}, { vpc: { clientVpcs: [clientVpc] } }],
      [{ vpc: { clientVpcs: [clientVpc] } }, {}],
    ] as const) {
      const replaced = replacementsOf(from, to);
      expect(
        replaced.some((r) =>
          /^stateful\/KafkaCluster[0-9A-F]{8}: create-only \/properties\/(ClusterName|VpcConfigs)/.test(r),
        ),
      ).toBe(true);
      expect(replaced.some((r) => r.includes('Table'))).toBe(false);
    }
    const names = [{}, { vpc: { clientVpcs: [clientVpc] } }].map((context) =>
      JSON.stringify(
        Object.values(templates(context).stateful.Resources ?? {}).find(
          (r) => r.Type === 'AWS::MSK::ServerlessCluster',
        )?.Properties?.ClusterName,
      ),
    );
    expect(names[0]).not.toEqual(names[1]);
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

describe('update safety: retaining recovery material replaces nothing', () => {
  // The failure queues and the API access logs were DeletionPolicy Delete before issue 25: the change to Retain must be
  // an in-place update of the deployed queue, never a new, empty one.
  const queueTemplate = (removalPolicy: RemovalPolicy): CfnTemplate => {
    const stack = new Stack(testApp(), 'Queues');
    new FailureQueue(stack, 'ProcessorFailures', {
      purpose: 'MSK batches the processor gave up on',
      removalPolicy,
    });
    return Template.fromStack(stack).toJSON() as CfnTemplate;
  };

  it('turning a failure queue from Delete to Retain keeps its logical id and properties', () => {
    const before = queueTemplate(RemovalPolicy.DESTROY);
    const after = queueTemplate(RemovalPolicy.RETAIN);
    const ids = Object.keys(before.Resources ?? {}).filter(
      (id) => before.Resources?.[id]?.Type === 'AWS::SQS::Queue',
    );
    expect(ids).toHaveLength(1);
    expect([...replacedResources(before, after, ids)]).toEqual([]);
    for (const id of ids)
      expect(after.Resources?.[id]?.Properties).toEqual(before.Resources?.[id]?.Properties);
    expect(Object.values(after.Resources ?? {}).find((r) => r.Type === 'AWS::SQS::Queue')).toMatchObject({
      DeletionPolicy: 'Retain',
    });
  });
});
