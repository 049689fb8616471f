/**
 * The processor's guardrail settings (cdk.json context `fleetstream.processorGuardrails`): type, defaults, ranges and
 * parsing in one place; lib/config.ts folds the section in. docs/OPERATIONS.md "New-device cap".
 */
import { DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE } from '#core/new-device-cap.ts';

export interface ProcessorGuardrailsConfig {
  /**
   * Devices new to the state table admitted per source partition per minute of Kafka timestamp; the records of the
   * others go to dead-letter (reason `new-device-cap`). 1–1,000,000. @default 1,000
   */
  readonly newDevicesPerPartitionMinute: number;
}

export const PROCESSOR_GUARDRAILS_KEY = 'processorGuardrails';

export const PROCESSOR_GUARDRAILS_DEFAULTS: ProcessorGuardrailsConfig = Object.freeze({
  newDevicesPerPartitionMinute: DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE,
});

export const NEW_DEVICES_PER_PARTITION_MINUTE_RANGE = { min: 1, max: 1_000_000 } as const;

/** Parses the section (absent = defaults), pushing one message per problem onto `errors`. */
export const parseProcessorGuardrails = (
  raw: unknown,
  path: string,
  errors: string[],
): ProcessorGuardrailsConfig => {
  if (raw === undefined) return PROCESSOR_GUARDRAILS_DEFAULTS;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(`${path} must be an object, got ${JSON.stringify(raw)}`);
    return PROCESSOR_GUARDRAILS_DEFAULTS;
  }
  const section = raw as Record<string, unknown>;
  for (const key of Object.keys(section))
    if (key !== 'newDevicesPerPartitionMinute')
      errors.push(`${path}.${key} is not a known setting (known: newDevicesPerPartitionMinute)`);
  const value =
    section.newDevicesPerPartitionMinute ?? PROCESSOR_GUARDRAILS_DEFAULTS.newDevicesPerPartitionMinute;
  const { min, max } = NEW_DEVICES_PER_PARTITION_MINUTE_RANGE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors.push(
      `${path}.newDevicesPerPartitionMinute must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
    return PROCESSOR_GUARDRAILS_DEFAULTS;
  }
  return { newDevicesPerPartitionMinute: value };
};
