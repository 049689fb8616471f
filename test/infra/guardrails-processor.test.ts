/** The processor's guardrail settings (lib/config/guardrails-processor.ts): parsed, validated, set on the function. */
import { describe, expect, it } from 'vitest';
import { ENV } from '#core/contract/index.ts';
import { DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE } from '#core/new-device-cap.ts';
import { parseConfig } from '#lib/config.ts';
import { resourcesOf, synthFleetStream } from './support.ts';

const processorEnv = (context: Record<string, unknown>) => {
  const [, fn] =
    resourcesOf(synthFleetStream(context).processing$, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('ProcessorFunction'),
    ) ?? [];
  if (fn === undefined) throw new Error('no ProcessorFunction in the template');
  return (fn.Environment as { Variables: Record<string, unknown> }).Variables;
};

describe('processorGuardrails', () => {
  it('defaults the new-device cap to 1,000 per partition-minute', () => {
    expect(DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE).toBe(1_000);
    expect(parseConfig({}).processorGuardrails).toEqual({ newDevicesPerPartitionMinute: 1_000 });
  });

  it('rejects a cap out of range, a non-integer and an unknown key, naming them', () => {
    expect(() => parseConfig({ processorGuardrails: { newDevicesPerPartitionMinute: 0 } })).toThrow(
      /processorGuardrails\.newDevicesPerPartitionMinute must be an integer from 1 to 1000000, got 0/,
    );
    expect(() => parseConfig({ processorGuardrails: { newDevicesPerPartitionMinute: 2.5 } })).toThrow(
      /got 2.5/,
    );
    expect(() => parseConfig({ processorGuardrails: { newDevices: 5 } })).toThrow(
      /processorGuardrails\.newDevices is not a known setting/,
    );
    expect(() => parseConfig({ processorGuardrails: 5 })).toThrow(/processorGuardrails must be an object/);
  });

  it('sets the processor function environment from the configuration', () => {
    expect(processorEnv({})[ENV.newDevicesPerPartitionMinute]).toBe('1000');
    expect(
      processorEnv({ processorGuardrails: { newDevicesPerPartitionMinute: 50 } })[
        ENV.newDevicesPerPartitionMinute
      ],
    ).toBe('50');
  });
});
