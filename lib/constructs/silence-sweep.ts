import * as path from 'node:path';
import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DEFAULT_STALL_AFTER_SECONDS, DEFAULT_SWEEP_SECONDS, ENV } from '#core/contract/index.ts';
import { STALL_AFTER_SECONDS } from '#lib/config/silence.ts';
import type { FailureQueue } from './failure-queue.ts';
import { FleetFunction } from './fleet-function.ts';
import type { FleetTables } from './fleet-tables.ts';
import type { ServerlessKafka } from './serverless-kafka.ts';

export interface SilenceSweepProps {
  readonly kafka: ServerlessKafka;
  /** The cluster's VPC: the sweep reads the processor's consumer-group offsets from the brokers. */
  readonly vpc: ec2.IVpc;
  /** @default - the VPC's private subnets */
  readonly subnets?: ec2.SubnetSelection;
  /** The telemetry topic whose end offsets the sweep compares with the group's. */
  readonly topicName: string;
  /** The state processor's consumer group (its event source mapping's ConsumerGroupId). */
  readonly consumerGroupId: string;
  readonly tables: FleetTables;
  /** Where the schedule puts a run it could not deliver after its retries. */
  readonly failureQueue: FailureQueue;
  /**
   * Seconds a partition may stay behind before the sweep raises "pipeline stalled" instead of silence alerts, within
   * STALL_AFTER_SECONDS. @default DEFAULT_STALL_AFTER_SECONDS (120)
   */
  readonly stallAfterSeconds?: number;
  /** Repository root holding lambda/silence-sweep/handler.ts. */
  readonly projectRoot: string;
}

/** How long one run may take: the lag settle wait (15 s) and the sweep, well inside the schedule's minute. */
const TIMEOUT = Duration.seconds(55);
/** A run the schedule could not deliver is retried this long; after that the next minute's run supersedes it. */
const MAX_EVENT_AGE = Duration.minutes(1);

/**
 * The silence sweep (issue 21): a Lambda in the cluster's VPC, run every minute by EventBridge Scheduler, that finds
 * devices of silence rules that stopped reporting (docs/DATA_MODEL.md "Silence sweep"). Least privilege: the
 * DynamoDB actions the handler's header lists on the three tables it uses, and only Connect / DescribeTopic /
 * DescribeGroup on the cluster, topic and the processor's group: it reads offsets, never records, never joins the
 * group. One run at a time (reserved concurrency 1), so two sweeps never race on the same minute.
 */
export class SilenceSweep extends Construct {
  readonly fn: FleetFunction;
  readonly schedule: scheduler.Schedule;
  /** Sweep runs failing: silence goes undetected while it fires. */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** No sweep run for 5 minutes (schedule disabled, function throttled, or not delivered). */
  readonly notRunningAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SilenceSweepProps) {
    super(scope, id);
    const stallAfter = props.stallAfterSeconds ?? DEFAULT_STALL_AFTER_SECONDS;
    if (
      !Number.isInteger(stallAfter) ||
      stallAfter < STALL_AFTER_SECONDS.min ||
      stallAfter > STALL_AFTER_SECONDS.max
    ) {
      throw new Error(
        `SilenceSweep ${id}: stallAfterSeconds must be an integer from ${STALL_AFTER_SECONDS.min} to ${STALL_AFTER_SECONDS.max}, got ${stallAfter}`,
      );
    }
    const securityGroup = props.kafka.clientSecurityGroup(
      this,
      'SecurityGroup',
      props.vpc,
      'Silence sweep Lambda',
    );
    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/silence-sweep/handler.ts'),
      description:
        'Finds devices that stopped reporting (silence rules) and a stalled pipeline, every minute',
      // It mostly waits (Kafka admin, the lag settle, DynamoDB): half a vCPU decodes a million devices' presence in ~3 s.
      memoryMb: 512,
      timeout: TIMEOUT,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      reservedConcurrency: 1,
    })
      .bindTable(ENV.stateTable, props.tables.state, [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
      ])
      .bindTable(ENV.alertsTable, props.tables.alerts, ['dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindTable(ENV.rulesTable, props.tables.rules, ['dynamodb:Scan'])
      .bindSetting(ENV.bootstrapBrokers, props.kafka.bootstrapBrokers)
      .bindSetting(ENV.topicName, props.topicName)
      .bindSetting(ENV.consumerGroupId, props.consumerGroupId)
      .bindSetting(ENV.stallAfterSeconds, String(stallAfter));
    props.kafka.grantLagRead(this.fn.function, props.topicName, props.consumerGroupId);

    // The schedule's own role (not the stack-wide one the target would share), so its grant is acknowledged here.
    const stack = Stack.of(this);
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: 'EventBridge Scheduler: invokes the silence sweep, dead-letters what it cannot deliver',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.fn.function.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the sweep function and its versions/aliases (Function.grantInvoke adds ":*"); nothing else.',
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Runs the silence sweep every minute',
      schedule: scheduler.ScheduleExpression.rate(Duration.seconds(DEFAULT_SWEEP_SECONDS)),
      target: new targets.LambdaInvoke(this.fn.function, {
        role: scheduleRole,
        deadLetterQueue: props.failureQueue.queue,
        maxEventAge: MAX_EVENT_AGE,
        retryAttempts: 2,
      }),
    });

    const errors = this.fn.function.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' });
    this.errorsAlarm = new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: 'Silence sweep runs are failing: devices that stop reporting are not being detected.',
      metric: errors,
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.notRunningAlarm = new cloudwatch.Alarm(this, 'NotRunning', {
      alarmDescription:
        'The silence sweep has not run for 5 minutes (schedule disabled, throttled or undelivered).',
      metric: this.fn.function.metricInvocations({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}
