import { describe, expect, it } from 'vitest';
import { remoteLoadRequest } from '#scripts/generator/remote-request.ts';

describe('generate --remote payload', () => {
  it('maps the shared flags onto the load-generator request', () => {
    expect(
      remoteLoadRequest({ devices: '500', rate: '2000', duration: '60', seed: 's1', 'bad-ratio': '0.01' }),
    ).toEqual({ devices: 500, rate: 2000, durationSeconds: 60, seed: 's1', badRatio: 0.01, legacyRatio: 0 });
    expect(remoteLoadRequest({ devices: '3', count: '10' })).toEqual({
      devices: 3,
      rate: 0,
      count: 10,
      badRatio: 0,
      legacyRatio: 0,
    });
  });

  it('passes the codec on to the Lambda', () => {
    expect(remoteLoadRequest({ devices: '3', count: '10', compression: 'zstd' })).toMatchObject({
      compression: 'zstd',
    });
  });

  it('refuses flags that only shape a local producer, and missing or bad values', () => {
    expect(() => remoteLoadRequest({ devices: '3', count: '10', brokers: 'b:9098' })).toThrow(
      '--remote does not take --brokers',
    );
    expect(() => remoteLoadRequest({ devices: '3', count: '10', local: true, batch: '5' })).toThrow(
      '--remote does not take --local, --batch',
    );
    expect(() => remoteLoadRequest({ devices: '3', count: '10', compression: 'brotli' })).toThrow(
      '--compression must be one of none, gzip, snappy, lz4, zstd, got "brotli"',
    );
    expect(() => remoteLoadRequest({ count: '10' })).toThrow('--devices is required');
    expect(() => remoteLoadRequest({ devices: '3' })).toThrow('give --duration or --count');
    expect(() => remoteLoadRequest({ devices: '0', count: '1' })).toThrow(/devices/);
  });
});
