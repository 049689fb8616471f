import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertNotifier } from '#lib/constructs/alert-notifier.ts';
import { DataLake } from '#lib/constructs/data-lake.ts';
import { FailureQueue } from '#lib/constructs/failure-queue.ts';
import { FleetFunction } from '#lib/constructs/fleet-function.ts';
import { FleetTables } from '#lib/constructs/fleet-tables.ts';
import { KafkaTopic } from '#lib/constructs/kafka-topic.ts';
import { LakeDeliveryStream } from '#lib/constructs/lake-delivery-stream.ts';
import { Network } from '#lib/constructs/network.ts';
import { ServerlessKafka } from '#lib/constructs/serverless-kafka.ts';
import { StateProcessor } from '#lib/constructs/state-processor.ts';
import { projectRoot, testApp } from '#test/support/infra.ts';

// Constructs check their props and fail at synth with a message that names the construct and the fix.
let stack: Stack;
beforeEach(() => {
  stack = new Stack(testApp(), 'Probe');
});

const kafkaIn = (scope: Stack) => {
  const network = new Network(scope, 'Net');
  return {
    network,
    kafka: new ServerlessKafka(scope, 'Kafka', { vpc: network.vpc, subnets: network.workloadSubnets }),
  };
};

/** Everything a StateProcessor needs, valid, for tests that vary one prop. */
const stateProcessorProps = (scope: Stack) => {
  const { network, kafka } = kafkaIn(scope);
  const topic = new KafkaTopic(scope, 'Topic', {
    kafka,
    vpc: network.vpc,
    subnets: network.workloadSubnets,
    topicName: 't',
    partitions: 1,
    projectRoot,
  });
  const lake = new DataLake(scope, 'Lake');
  return {
    kafka,
    topic,
    tables: new FleetTables(scope, 'Tables'),
    deadLetterStream: new LakeDeliveryStream(scope, 'Dl', {
      bucket: lake.bucket,
      key: lake.key,
      prefix: 'dl/',
      errorPrefix: 'dle/',
    }),
    failureQueue: new FailureQueue(scope, 'Fq', { purpose: 'test' }),
    maxBatchingWindow: Duration.seconds(1),
    startingPosition: 'LATEST' as const,
    consumerGroupId: 'g',
    projectRoot,
  };
};

describe('construct prop validation', () => {
  it('AlertNotifier refuses a digest threshold, group window or batch size outside their ranges', () => {
    const base = {
      tables: new FleetTables(stack, 'Tables'),
      alertTopic: new sns.Topic(stack, 'Alerts'),
      failureQueue: new FailureQueue(stack, 'Fq', { purpose: 'test' }),
      projectRoot,
    };
    expect(() => new AlertNotifier(stack, 'A1', { ...base, digestThreshold: 0 })).toThrow(
      'AlertNotifier A1: digestThreshold must be an integer from 1 to 10000, got 0',
    );
    expect(() => new AlertNotifier(stack, 'A2', { ...base, groupWindowSeconds: 301 })).toThrow(
      'AlertNotifier A2: groupWindowSeconds must be an integer from 0 to 300, got 301',
    );
    expect(() => new AlertNotifier(stack, 'A3', { ...base, batchSize: 1.5 })).toThrow(
      'AlertNotifier A3: batchSize must be an integer from 1 to 10000, got 1.5',
    );
  });

  it('Network refuses a single AZ (MSK Serverless needs two)', () => {
    expect(() => new Network(stack, 'N', { maxAzs: 1 })).toThrow('Network N: maxAzs must be 2 or 3');
  });

  it('KafkaTopic refuses bad names and partition counts', () => {
    const { network, kafka } = kafkaIn(stack);
    const base = { kafka, vpc: network.vpc, subnets: network.workloadSubnets, projectRoot };
    expect(() => new KafkaTopic(stack, 'T1', { ...base, topicName: 'bad topic', partitions: 6 })).toThrow(
      'KafkaTopic T1: topicName',
    );
    expect(() => new KafkaTopic(stack, 'T2', { ...base, topicName: 'ok', partitions: 0 })).toThrow(
      'KafkaTopic T2: partitions must be an integer from 1 to 2400, got 0',
    );
  });

  it('StateProcessor refuses a batch size or window outside the MSK event source limits', () => {
    const props = stateProcessorProps(stack);
    expect(() => new StateProcessor(stack, 'P1', { ...props, batchSize: 20_000 })).toThrow(
      'StateProcessor P1: batchSize must be an integer from 1 to 10000, got 20000',
    );
    expect(
      () =>
        new StateProcessor(stack, 'P2', {
          ...props,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(301),
        }),
    ).toThrow('StateProcessor P2: maxBatchingWindow must be 0–300 seconds, got 301');
  });

  it('FleetFunction refuses impossible memory and timeouts', () => {
    const entry = `${projectRoot}/lambda/topic-admin/handler.ts`;
    expect(() => new FleetFunction(stack, 'F1', { entry, description: 'x', memoryMb: 64 })).toThrow(
      'FleetFunction F1: memoryMb',
    );
    expect(
      () => new FleetFunction(stack, 'F2', { entry, description: 'x', timeout: Duration.minutes(20) }),
    ).toThrow('FleetFunction F2: timeout must be 1–900 seconds, got 1200');
  });

  it('LakeDeliveryStream refuses malformed or identical prefixes', () => {
    const bucket = new s3.Bucket(stack, 'B');
    const key = new kms.Key(stack, 'K');
    expect(
      () => new LakeDeliveryStream(stack, 'S1', { bucket, key, prefix: 'raw', errorPrefix: 'err/' }),
    ).toThrow('LakeDeliveryStream S1: prefix must look like "name/", got "raw"');
    expect(
      () => new LakeDeliveryStream(stack, 'S2', { bucket, key, prefix: 'raw/', errorPrefix: 'raw/' }),
    ).toThrow('prefix and errorPrefix must differ');
  });

  it('LakeDeliveryStream refuses an MSK source whose cluster does not let Firehose connect', () => {
    const { kafka } = kafkaIn(stack);
    const bucket = new s3.Bucket(stack, 'B');
    const key = new kms.Key(stack, 'K');
    expect(
      () =>
        new LakeDeliveryStream(stack, 'S', {
          bucket,
          key,
          prefix: 'raw/',
          errorPrefix: 'err/',
          source: { kafka, topicName: 't' },
        }),
    ).toThrow("LakeDeliveryStream S: the MSK source's cluster has no Firehose cluster policy");
  });

  it('StateProcessor refuses provisioned pollers outside Lambda’s Kafka ranges', () => {
    const props = { ...stateProcessorProps(stack), batchSize: 100 };
    for (const [id, provisionedPollers] of [
      ['P1', { minimum: 0, maximum: 5 }],
      ['P2', { minimum: 201, maximum: 300 }],
      ['P3', { minimum: 5, maximum: 2001 }],
      ['P4', { minimum: 5, maximum: 4 }],
    ] as const) {
      expect(() => new StateProcessor(stack, id, { ...props, provisionedPollers })).toThrow(
        `StateProcessor ${id}: provisionedPollers needs integers 1 ≤ minimum ≤ 200, minimum ≤ maximum ≤ 2000`,
      );
    }
  });

  it('ServerlessKafka refuses subnets in a single AZ', () => {
    const vpc = new ec2.Vpc(stack, 'OneAz', {
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    expect(
      () =>
        new ServerlessKafka(stack, 'K', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
    ).toThrow('ServerlessKafka K: MSK Serverless needs subnets in at least 2 AZs, got 1');
  });

  it('DataLake refuses a transition earlier than S3 allows', () => {
    expect(() => new DataLake(stack, 'L', { infrequentAccessAfterDays: 7 })).toThrow(
      'DataLake L: infrequentAccessAfterDays must be an integer >= 30',
    );
  });
});
