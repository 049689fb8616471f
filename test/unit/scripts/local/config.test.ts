import { afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '#scripts/local/config.ts';
import { localBatching } from '#scripts/local/profile.ts';
import { UsageError } from '#scripts/shared/cli.ts';

describe('npm start --profile', () => {
  afterEach(() => {
    delete process.env.FLEETSTREAM_PROFILE;
  });

  it('defaults to the local profile: a 0.5 s window, batches up to 10,000, 6 partitions, alerts at once', () => {
    expect(configFrom({}).batching).toEqual({
      profile: 'local',
      batchSize: 10_000,
      maxBatchingWindowMs: 500,
      partitions: 6,
      windowRetentionDays: 7,
      alertGroupWindowMs: 0,
    });
  });

  it('takes a deployed profile from the flag or $FLEETSTREAM_PROFILE, the flag winning', () => {
    expect(configFrom({ profile: 'economy' }).batching).toEqual(localBatching('economy'));
    process.env.FLEETSTREAM_PROFILE = 'realtime';
    expect(configFrom({}).batching.profile).toBe('realtime');
    expect(configFrom({ profile: 'balanced' }).batching.profile).toBe('balanced');
  });

  it('takes --silent-ratio (or $FLEETSTREAM_SILENT_RATIO) for the generator, 0 by default, below 1', () => {
    expect(configFrom({}).silentRatio).toBe(0);
    expect(configFrom({ 'silent-ratio': '0.1' }).silentRatio).toBe(0.1);
    process.env.FLEETSTREAM_SILENT_RATIO = '0.2';
    try {
      expect(configFrom({}).silentRatio).toBe(0.2);
    } finally {
      delete process.env.FLEETSTREAM_SILENT_RATIO;
    }
    expect(() => configFrom({ 'silent-ratio': '1' })).toThrow(UsageError);
  });

  it('rejects an unknown profile with a usage error naming the choices', () => {
    expect(() => configFrom({ profile: 'turbo' })).toThrow(UsageError);
    expect(() => configFrom({ profile: 'turbo' })).toThrow(
      '--profile must be one of local, realtime, balanced, economy, got "turbo"',
    );
    process.env.FLEETSTREAM_PROFILE = 'fast';
    expect(() => configFrom({})).toThrow('--profile (from FLEETSTREAM_PROFILE) must be one of');
  });
});
