import { buildMskEvent, type MskRecordSource, toDeliveredRecord } from '#core/msk-event.ts';

/** A test fixture: the MSK event Lambda would deliver for these records (one builder: `buildMskEvent`). */
export const toMskEvent = (
  records: readonly MskRecordSource[],
  eventSourceArn = 'arn:aws:kafka:local:000000000000:cluster/local/local',
) => buildMskEvent(records.map(toDeliveredRecord), { eventSourceArn, bootstrapServers: '127.0.0.1:9092' });
