import { describe, expect, it } from 'vitest';
import { parseLoadRequest } from '#lambda/load-generator/request.ts';

const signal = new AbortController().signal;

describe('load-generator payload', () => {
  it('turns a valid payload into generator options for the stack topic', () => {
    expect(
      parseLoadRequest(
        { devices: 100, rate: 500, durationSeconds: 60, seed: 'x', badRatio: 0.01 },
        'modem-telemetry',
        signal,
      ),
    ).toEqual({
      topic: 'modem-telemetry',
      devices: 100,
      rate: 500,
      durationSeconds: 60,
      seed: 'x',
      badRatio: 0.01,
      signal,
    });
  });

  it('takes any Kafka codec', () => {
    for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'])
      expect(parseLoadRequest({ devices: 1, count: 1, compression }, 't', signal)).toMatchObject({
        compression,
      });
  });

  it('requires devices and a stop condition', () => {
    expect(() => parseLoadRequest({ count: 10 }, 't', signal)).toThrow('devices is required');
    expect(() => parseLoadRequest({ devices: 10 }, 't', signal)).toThrow('give count or durationSeconds');
  });

  it('names the bad field and rejects unknown ones (no topic override)', () => {
    expect(() => parseLoadRequest({ devices: 0, count: 1 }, 't', signal)).toThrow(
      'devices must be a positive integer, got 0',
    );
    expect(() => parseLoadRequest({ devices: 1, count: 1, badRatio: 2 }, 't', signal)).toThrow(
      'badRatio must be between 0 and 1',
    );
    expect(() => parseLoadRequest({ devices: 1, count: 1, topic: 'other' }, 't', signal)).toThrow(
      'unknown field(s): topic',
    );
    expect(() => parseLoadRequest('go', 't', signal)).toThrow('payload must be a JSON object');
    expect(() => parseLoadRequest({ devices: 1, count: 1, compression: 'constructor' }, 't', signal)).toThrow(
      'compression must be one of none, gzip, snappy, lz4, zstd, got "constructor"',
    );
  });
});
