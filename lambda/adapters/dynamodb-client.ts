import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_MARSHALL_OPTIONS } from './marshall-options.ts';
import { sdkClientConfig } from './sdk-client-config.ts';

/**
 * One document client per process. `DYNAMODB_ENDPOINT` points it at DynamoDB Local (npm start, tests, bench);
 * in Lambda it is unset and the SDK uses the region and role credentials. Retries and timeouts: sdk-client-config.ts.
 */
export const createDocumentClient = (endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBDocumentClient => {
  const local = endpoint !== undefined && endpoint !== '';
  const client = new DynamoDBClient({
    ...sdkClientConfig('dynamodb', { local }),
    ...(local
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: DOCUMENT_MARSHALL_OPTIONS,
  });
};
