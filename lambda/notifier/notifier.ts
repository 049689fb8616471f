import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { alertFromImage, formatAlert } from './format.ts';

export interface NotifierDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly log?: (level: 'info' | 'error', message: string, details: Record<string, unknown>) => void;
}

const logJson: NonNullable<NotifierDeps['log']> = (level, message, details) =>
  (level === 'error' ? console.error : console.log)(
    JSON.stringify({ level: level.toUpperCase(), message, ...details }),
  );

/**
 * Alerts-table stream (NEW_IMAGE) → one SNS message per new alert, with severity / model / ruleId attributes for
 * subscription filter policies. Publishes in stream order and stops at the first failure: reporting that record as
 * the batch item failure makes Lambda retry from it, so nothing is lost and nothing before it is sent twice.
 * An image that is not an alert can never succeed; it is logged in full and skipped rather than blocking the shard.
 */
export const createNotifier = ({ sns, topicArn, log = logJson }: NotifierDeps) => {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || image === undefined) continue;
      let formatted: ReturnType<typeof formatAlert>;
      try {
        formatted = formatAlert(alertFromImage(image));
      } catch (error) {
        log('error', 'skipping a stream record that is not an alert', {
          reason: (error as Error).message,
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
      } catch (error) {
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        log('error', 'SNS publish failed; Lambda will retry from this record', {
          sequenceNumber,
          error: (error as Error).message,
        });
        if (sequenceNumber === undefined) throw error;
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
};
