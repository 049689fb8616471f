/**
 * The processor's guardrail settings (cdk.json context `fleetstream.processorGuardrails`), one section of the settings
 * table in lib/config.ts. docs/OPERATIONS.md "New-device cap".
 */
import { DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE } from '#core/new-device-cap.ts';
import { int, section } from './schema.ts';

export const PROCESSOR_GUARDRAILS = section({
  newDevicesPerPartitionMinute: int({
    min: 1,
    max: 1_000_000,
    default: DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE,
    doc: 'Devices new to the state table admitted per source partition per minute of Kafka timestamp; the records of the others go to dead-letter (reason `new-device-cap`)',
  }),
});
