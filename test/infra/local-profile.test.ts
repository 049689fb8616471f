import { describe, expect, it } from 'vitest';
import { ENV } from '#core/contract/index.ts';
import { PROFILE_NAMES } from '#lib/profiles.ts';
import { LOCAL_PROFILE, localBatching } from '#scripts/local/profile.ts';
import { resourcesOf, synthFleetStream } from './support.ts';

// Issue 22: `npm start -- --profile <p>` batches like the event source mapping `<p>` deploys: same batch size, same
// batching window, same partitions, same window retention.

describe('npm start --profile', () => {
  it.each(PROFILE_NAMES)('%s: the local poller uses the synthesized mapping and topic numbers', (profile) => {
    const { processing$, stateful$ } = synthFleetStream({ profile });
    const [mapping, ...others] = resourcesOf(processing$, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m)
      .filter((m) => m.Topics !== undefined);
    expect(others).toEqual([]);
    const [[, topic] = ['', {}]] = resourcesOf(stateful$, 'Custom::KafkaTopic');
    const local = localBatching(profile);
    expect(local.batchSize).toBe(mapping?.BatchSize);
    expect(local.maxBatchingWindowMs).toBe((mapping?.MaximumBatchingWindowInSeconds as number) * 1000);
    expect(local.partitions).toBe(topic.Partitions);
    const [, processor] =
      resourcesOf(processing$, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProcessorFunction')) ??
      [];
    const variables = (processor?.Environment as { Variables?: Record<string, string> } | undefined)
      ?.Variables;
    expect(String(local.windowRetentionDays)).toBe(variables?.[ENV.windowRetentionDays]);
    // The alerts stream groups for the notifier as its DynamoDB stream mapping does (the digests' group window).
    const [streamMapping, ...moreStreams] = resourcesOf(processing$, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m)
      .filter((m) => m.Topics === undefined && m.MaximumBatchingWindowInSeconds !== undefined);
    expect(moreStreams).toEqual([]);
    expect(local.alertGroupWindowMs).toBe((streamMapping?.MaximumBatchingWindowInSeconds as number) * 1000);
  });

  it('local: sub-second window when idle, the deployed batch cap when behind', () => {
    const { processing$ } = synthFleetStream();
    const [[, mapping] = ['', {}]] = resourcesOf(processing$, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => m.Topics !== undefined,
    );
    const local = localBatching(LOCAL_PROFILE);
    expect(local.maxBatchingWindowMs).toBeLessThan(1000);
    expect(local.batchSize).toBe(mapping.BatchSize);
  });
});
