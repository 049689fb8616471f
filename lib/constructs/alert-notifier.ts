import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DEFAULT_ALERT_GROUP_WINDOW_SECONDS, ENV, LAMBDA_LIMITS } from '#core/contract/index.ts';
import { METRICS_NAMESPACE } from '#core/processor-metrics.ts';
import type { FailureQueue } from './failure-queue.ts';
import { FleetFunction } from './fleet-function.ts';
import type { FleetTables } from './fleet-tables.ts';

export interface AlertNotifierProps {
  readonly tables: FleetTables;
  /** Where alerts are published. */
  readonly alertTopic: sns.ITopic;
  /** Where Lambda reports stream batches it gave up on. */
  readonly failureQueue: FailureQueue;
  /** Attempts per stream batch before it goes to the failure queue. @default 10 */
  readonly retryAttempts?: number;
  /** Repository root holding lambda/notifier/handler.ts. */
  readonly projectRoot: string;
  /**
   * More than this many alerts of one rule changing to one state within a group window are published as one digest.
   * @default 10
   */
  readonly digestThreshold?: number;
  /**
   * The group window: the event source's batching window (Alertmanager's group_wait). An alert waits at most this long
   * before it is published, so alerts that change together arrive in one delivery. 0-300 s. @default 30
   */
  readonly groupWindowSeconds?: number;
  /** Stream records per delivery (1-10,000): a digest groups at most this many. @default 1000 */
  readonly batchSize?: number;
}

const integerIn = (id: string, name: string, value: number, min: number, max: number): number => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`AlertNotifier ${id}: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
};

/** Alerts table stream (NEW_IMAGE) → notifier Lambda → SNS. The handler reports partial failures, so retries resume. */
export class AlertNotifier extends Construct {
  readonly fn: FleetFunction;
  /** Fires when an alert could not be published for good (SNS refused it, or its image was not an alert). */
  readonly notificationsFailedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlertNotifierProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 10;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 10_000) {
      throw new Error(
        `AlertNotifier ${id}: retryAttempts must be an integer from 0 to 10000, got ${retryAttempts}`,
      );
    }
    const digestThreshold = integerIn(id, 'digestThreshold', props.digestThreshold ?? 10, 1, 10_000);
    // A DynamoDB Streams event source takes the same batch and window ranges as an MSK one (LAMBDA_LIMITS).
    const { batchingWindowSeconds: window, batchSize: size } = LAMBDA_LIMITS;
    const groupWindowSeconds = integerIn(
      id,
      'groupWindowSeconds',
      props.groupWindowSeconds ?? DEFAULT_ALERT_GROUP_WINDOW_SECONDS,
      window.min,
      window.max,
    );
    const batchSize = integerIn(id, 'batchSize', props.batchSize ?? 1000, size.min, size.max);
    if (props.tables.alerts.tableStreamArn === undefined) {
      throw new Error(`AlertNotifier ${id}: the alerts table needs a stream`);
    }
    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/notifier/handler.ts'),
      description: 'Publishes new alerts from the alerts table stream to SNS',
      memoryMb: 256,
    })
      .bindTopic(ENV.alertTopicArn, props.alertTopic)
      // Mutes hold notifications back (lambda/adapters/mutes-cache.ts).
      .bindTable(ENV.operatorTable, props.tables.operator, ['dynamodb:Query'])
      .bindSetting(ENV.digestThreshold, String(digestThreshold));

    // The handler's EMF metric (Powertools adds the `service` dimension).
    this.notificationsFailedAlarm = new cloudwatch.Alarm(this, 'NotificationsFailed', {
      alarmDescription:
        'Alerts skipped because SNS refused them (InvalidParameter) or their stream image was not an alert',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'NotificationsFailed',
        dimensionsMap: { service: 'notifier' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.fn.function.addEventSource(
      new sources.DynamoEventSource(props.tables.alerts, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize,
        maxBatchingWindow: Duration.seconds(groupWindowSeconds),
        retryAttempts,
        reportBatchItemFailures: true,
        onFailure: new sources.SqsDlq(props.failureQueue.queue),
      }),
    );
  }
}
