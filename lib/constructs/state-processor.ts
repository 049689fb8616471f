import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULT_WINDOW_RETENTION_DAYS, ENV, LAMBDA_LIMITS } from '#core/contract/index.ts';
import { POLLER_RANGES, type ProvisionedPollers } from '#lib/config.ts';
import type { FailureQueue } from './failure-queue.ts';
import { FleetFunction } from './fleet-function.ts';
import type { FleetTables } from './fleet-tables.ts';
import type { KafkaTopic } from './kafka-topic.ts';
import type { LakeDeliveryStream } from './lake-delivery-stream.ts';
import type { ServerlessKafka } from './serverless-kafka.ts';

export interface StateProcessorProps {
  readonly kafka: ServerlessKafka;
  /** The topic; the event source mapping is created only after it exists. */
  readonly topic: KafkaTopic;
  readonly tables: FleetTables;
  /** Firehose for rejected records (dead-letter/). */
  readonly deadLetterStream: LakeDeliveryStream;
  /** Where Lambda reports batches it gave up on. */
  readonly failureQueue: FailureQueue;
  /** Records per invocation, 1–10,000. */
  readonly batchSize: number;
  /** Within LAMBDA_LIMITS.batchingWindowSeconds. */
  readonly maxBatchingWindow: Duration;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly consumerGroupId: string;
  /** @default 1024 */
  readonly memoryMb?: number;
  /** @default Duration.minutes(2) */
  readonly timeout?: Duration;
  /** Days a per-minute window is kept after it ends (TTL). @default 7 */
  readonly windowRetentionDays?: number;
  /** New devices per source partition per minute before records are dead-lettered. @default - the processor's 1,000 */
  readonly newDevicesPerPartitionMinute?: number;
  /**
   * Provisioned mode: keep `minimum` to `maximum` event pollers (within POLLER_RANGES: minimum 1–200, maximum 1–2,000)
   * and turn on the mapping's event, error and Kafka consumer metrics. @default - on-demand pollers, no mapping metrics
   */
  readonly provisionedPollers?: ProvisionedPollers;
  /** Repository root holding lambda/state-processor/handler.ts. */
  readonly projectRoot: string;
}

/**
 * The state-processor Lambda and its MSK event source mapping. CDK's ManagedKafkaEventSource attaches an AWS-managed
 * policy and no kafka-cluster permissions; this construct instead grants exactly the documented set, scoped to the
 * cluster, topic and consumer-group ARNs.
 */
const { batchSize: BATCH, batchingWindowSeconds: WINDOW } = LAMBDA_LIMITS;

export class StateProcessor extends Construct {
  readonly fn: FleetFunction;
  readonly eventSourceMapping: lambda.CfnEventSourceMapping;

  constructor(scope: Construct, id: string, props: StateProcessorProps) {
    super(scope, id);
    if (!Number.isInteger(props.batchSize) || props.batchSize < BATCH.min || props.batchSize > BATCH.max) {
      throw new Error(
        `StateProcessor ${id}: batchSize must be an integer from ${BATCH.min} to ${BATCH.max}, got ${props.batchSize}`,
      );
    }
    const windowSeconds = props.maxBatchingWindow.toSeconds();
    if (windowSeconds < WINDOW.min || windowSeconds > WINDOW.max) {
      throw new Error(
        `StateProcessor ${id}: maxBatchingWindow must be ${WINDOW.min}–${WINDOW.max} seconds, got ${windowSeconds}`,
      );
    }
    if (props.startingPosition !== 'TRIM_HORIZON' && props.startingPosition !== 'LATEST') {
      throw new Error(
        `StateProcessor ${id}: startingPosition must be TRIM_HORIZON or LATEST, got ${String(props.startingPosition)}`,
      );
    }
    const pollers = props.provisionedPollers;
    const { minimum: lo, maximum: hi } = POLLER_RANGES;
    if (
      pollers !== undefined &&
      !(
        Number.isInteger(pollers.minimum) &&
        Number.isInteger(pollers.maximum) &&
        pollers.minimum >= lo.min &&
        pollers.minimum <= lo.max &&
        pollers.maximum <= hi.max &&
        pollers.minimum <= pollers.maximum
      )
    ) {
      throw new Error(
        `StateProcessor ${id}: provisionedPollers needs integers ${lo.min} ≤ minimum ≤ ${lo.max}, minimum ≤ maximum ≤ ${hi.max}, got ${JSON.stringify(pollers)}`,
      );
    }
    const retentionDays = props.windowRetentionDays ?? DEFAULT_WINDOW_RETENTION_DAYS;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(
        `StateProcessor ${id}: windowRetentionDays must be a positive integer, got ${retentionDays}`,
      );
    }

    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/state-processor/handler.ts'),
      description: 'Folds MSK telemetry batches into device state, aggregates, windows and alerts',
      memoryMb: props.memoryMb ?? 1024,
      timeout: props.timeout ?? Duration.minutes(2),
    })
      // Exactly the calls the processor makes (lambda/adapters): strongly consistent BatchGet, conditional Puts and
      // TransactWriteItems of Puts/ConditionChecks on the state table; conditional Puts of alerts and conditional
      // Updates resolving them; BatchGet of registry rows; a Scan of the (small) rules table. It never deletes, updates
      // in place, queries or scans state.
      .bindTable(ENV.stateTable, props.tables.state, [
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:ConditionCheckItem',
      ])
      .bindTable(ENV.registryTable, props.tables.registry, ['dynamodb:BatchGetItem'])
      .bindTable(ENV.rulesTable, props.tables.rules, ['dynamodb:Scan'])
      .bindTable(ENV.alertsTable, props.tables.alerts, ['dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindDeliveryStream(ENV.deadLetterStream, props.deadLetterStream)
      .bindSetting(ENV.windowRetentionDays, String(retentionDays));
    if (props.newDevicesPerPartitionMinute !== undefined)
      this.fn.bindSetting(ENV.newDevicesPerPartitionMinute, String(props.newDevicesPerPartitionMinute));

    const fn = this.fn.function;
    props.kafka.grantConsume(fn, props.topic.topicName, props.consumerGroupId);
    props.failureQueue.queue.grantSendMessages(fn);
    // The event source mapping's pollers attach ENIs in the cluster's subnets using the function's role.
    // These EC2 actions have no resource-level permissions (acknowledged with the role in FleetFunction).
    this.fn.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeVpcs',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
        ],
        resources: ['*'],
      }),
    );

    this.eventSourceMapping = new lambda.CfnEventSourceMapping(this, 'KafkaSource', {
      functionName: fn.functionName,
      eventSourceArn: props.kafka.clusterArn,
      topics: [props.topic.topicName],
      batchSize: props.batchSize,
      maximumBatchingWindowInSeconds: windowSeconds,
      startingPosition: props.startingPosition,
      amazonManagedKafkaEventSourceConfig: { consumerGroupId: props.consumerGroupId },
      destinationConfig: { onFailure: { destination: props.failureQueue.queue.queueArn } },
      ...(pollers === undefined
        ? {}
        : {
            provisionedPollerConfig: { minimumPollers: pollers.minimum, maximumPollers: pollers.maximum },
            // Consumer lag and poller metrics for sizing the floor and ceiling.
            metricsConfig: { metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
          }),
      enabled: true,
    });
    // An event source mapping created before its topic stays disabled; and it validates the role's permissions.
    this.eventSourceMapping.node.addDependency(props.topic.resource);
    this.eventSourceMapping.node.addDependency(this.fn);
  }
}
