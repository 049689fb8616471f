/** Builders of telemetry records as the producer sends them, for processor tests: override only what a test varies. */
import type { SourceRecord } from '#core/msk-event.ts';

export interface TelemetryFields {
  readonly deviceid: string;
  readonly model: string;
  readonly interface: string;
  readonly interfacestatus: string;
  readonly cpuusage: number;
  readonly memoryusage: number;
  readonly event_time: string;
}

/** A valid record value (JSON bytes), its fields in the producer's order. */
export const telemetryValue = (
  fields: Partial<TelemetryFields> & Pick<TelemetryFields, 'event_time'>,
): Buffer =>
  Buffer.from(
    JSON.stringify({
      deviceid: 'd1',
      model: 'EVG2000',
      interface: 'eth0',
      interfacestatus: 'up',
      cpuusage: 10,
      memoryusage: 20,
      ...fields,
    }),
  );

/** ISO event time `second` seconds after `baseMs`. */
export const eventTimeAt = (baseMs: number, second: number): string =>
  new Date(baseMs + second * 1000).toISOString();

/** A Kafka record without a key, at this topic, partition and offset. */
export const sourceRecord = (
  at: { topic: string; partition: number; offset: number; timestampMs: number },
  value: Buffer,
): SourceRecord => ({ ...at, key: null, value });
