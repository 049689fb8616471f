import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Log } from '#core/log.ts';
import { alertFromImage, formatAlert } from './format.ts';

export type NotifierMetricName = 'NotificationsSent' | 'NotificationsFailed';

/** Counts per invocation, published once at its end (EMF in AWS). */
export interface NotifierMetrics {
  add(name: NotifierMetricName, value: number): void;
  flush(): void;
}

export interface NotifierDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  /** Where log lines go (the handler's `functionLog`). */
  readonly log: Log;
  /** @default - none counted */
  readonly metrics?: NotifierMetrics;
}

const noMetrics: NotifierMetrics = { add: () => {}, flush: () => {} };

/**
 * SNS errors that say this message can never be published (its parameters are invalid), as opposed to throttling,
 * outages, or a misconfigured topic, key or role, which a retry (after a fix) can cure.
 */
const PERMANENT_PUBLISH_ERRORS = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'ValidationException',
]);

const isPermanentPublishError = (error: unknown): boolean =>
  error instanceof Error && PERMANENT_PUBLISH_ERRORS.has(error.name);

/**
 * Alerts-table stream (NEW_IMAGE) → one SNS message per new alert, with severity / model / ruleId attributes for
 * subscription filter policies. Publishes in stream order and stops at the first transient failure: reporting that
 * record as the batch item failure makes Lambda retry from it, so nothing is lost and nothing before it is sent twice.
 * A record that can never succeed (an image that is not an alert, or a publish SNS refuses as invalid) is logged,
 * counted in NotificationsFailed and skipped rather than blocking the shard.
 */
export const createNotifier = ({ sns, topicArn, log, metrics = noMetrics }: NotifierDeps) => {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    let sent = 0;
    let failed = 0;
    try {
      for (const record of event.Records) {
        const image = record.dynamodb?.NewImage;
        if (record.eventName !== 'INSERT' || image === undefined) continue;
        let formatted: ReturnType<typeof formatAlert>;
        let alertId: string;
        try {
          const alert = alertFromImage(image);
          alertId = alert.alertId;
          formatted = formatAlert(alert);
        } catch (error) {
          failed++;
          log.error('skipping a stream record that is not an alert', {
            reason: (error as Error).message,
            sequenceNumber: record.dynamodb?.SequenceNumber,
            image,
          });
          continue;
        }
        try {
          await sns.send(
            new PublishCommand({
              TopicArn: topicArn,
              Subject: formatted.subject,
              Message: formatted.message,
              MessageAttributes: Object.fromEntries(
                Object.entries(formatted.attributes).map(([name, value]) => [
                  name,
                  { DataType: 'String', StringValue: value },
                ]),
              ),
            }),
          );
          sent++;
        } catch (error) {
          const sequenceNumber = record.dynamodb?.SequenceNumber;
          if (isPermanentPublishError(error)) {
            failed++;
            log.error('SNS refused the alert as invalid; skipping it (not retried)', {
              alertId,
              sequenceNumber,
              error: { name: (error as Error).name, message: (error as Error).message },
              messageBytes: Buffer.byteLength(formatted.message, 'utf8'),
            });
            continue;
          }
          log.error('SNS publish failed; Lambda will retry from this record', {
            alertId,
            sequenceNumber,
            error: (error as Error).message,
          });
          if (sequenceNumber === undefined) throw error;
          return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
        }
      }
      return { batchItemFailures: [] };
    } finally {
      metrics.add('NotificationsSent', sent);
      metrics.add('NotificationsFailed', failed);
      metrics.flush();
    }
  };
};
