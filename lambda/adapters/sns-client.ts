/** The notifier's SNS client, with the retries and timeouts of sdk-client-config.ts. */
import { SNSClient } from '@aws-sdk/client-sns';
import { sdkClientConfig } from './sdk-client-config.ts';

export const createSnsClient = (): SNSClient => new SNSClient(sdkClientConfig('sns'));
