import type { AttributeValue, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';

/** Binary values arrive from the SDK as bytes; Lambda's event carries them base64, like the wire format. */
const toLambdaAttribute = (value: AttributeValue): LambdaAttributeValue => {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  return value as LambdaAttributeValue;
};

const toLambdaImage = (image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> => {
  // Attribute names come from table data: a null-prototype object keeps them off Object.prototype.
  const out: Record<string, LambdaAttributeValue> = Object.create(null);
  for (const [name, value] of Object.entries(image)) out[name] = toLambdaAttribute(value);
  return { ...out };
};

/**
 * One GetRecords record as Lambda's DynamoDB Streams event carries it: the same fields, plus `eventSourceARN`, with
 * `ApproximateCreationDateTime` in epoch seconds and binary values base64.
 */
export const toLambdaStreamRecord = (
  record: StreamRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord => {
  const change = record.dynamodb ?? {};
  const created = change.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb: {
      ...(created === undefined ? {} : { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) }),
      ...(change.Keys === undefined ? {} : { Keys: toLambdaImage(change.Keys) }),
      ...(change.NewImage === undefined ? {} : { NewImage: toLambdaImage(change.NewImage) }),
      ...(change.OldImage === undefined ? {} : { OldImage: toLambdaImage(change.OldImage) }),
      ...(change.SequenceNumber === undefined ? {} : { SequenceNumber: change.SequenceNumber }),
      ...(change.SizeBytes === undefined ? {} : { SizeBytes: change.SizeBytes }),
      ...(change.StreamViewType === undefined ? {} : { StreamViewType: change.StreamViewType }),
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity === undefined
      ? {}
      : { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }),
  };
};
