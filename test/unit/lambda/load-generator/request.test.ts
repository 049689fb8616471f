import { describe, expect, it } from 'vitest';
import { LOAD_GENERATOR_LIMITS } from '#core/contract/index.ts';
import { parseLoadLimits, parseLoadRequest } from '#lambda/load-generator/request.ts';

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
      'devices must be an integer from 1 to 100000, got 0',
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

  describe('bounds (guardrails.loadGenerator)', () => {
    const limits = { maxDevices: 500, maxRate: 100, maxCount: 1000 };

    it('refuses a fleet larger than maxDevices with the bound in the message', () => {
      expect(parseLoadRequest({ devices: 500, count: 1 }, 't', signal, limits).devices).toBe(500);
      expect(() => parseLoadRequest({ devices: 501, count: 1 }, 't', signal, limits)).toThrow(
        'devices must be an integer from 1 to 500, got 501',
      );
    });

    it('refuses a count above maxCount', () => {
      expect(() => parseLoadRequest({ devices: 1, count: 1001 }, 't', signal, limits)).toThrow(
        'count must be an integer from 1 to 1000, got 1001',
      );
    });

    it('refuses a rate above maxRate and runs an absent or 0 rate at maxRate, never unbounded', () => {
      expect(() => parseLoadRequest({ devices: 1, count: 1, rate: 101 }, 't', signal, limits)).toThrow(
        'rate must be a number from 0 to 100, got 101',
      );
      expect(parseLoadRequest({ devices: 1, count: 1 }, 't', signal, limits).rate).toBe(100);
      expect(parseLoadRequest({ devices: 1, count: 1, rate: 0 }, 't', signal, limits).rate).toBe(100);
      expect(parseLoadRequest({ devices: 1, count: 1, rate: 7 }, 't', signal, limits).rate).toBe(7);
    });

    it('uses the contract defaults when the stack sets none', () => {
      expect(parseLoadLimits(undefined)).toEqual(LOAD_GENERATOR_LIMITS);
      expect(() =>
        parseLoadRequest({ devices: LOAD_GENERATOR_LIMITS.maxDevices + 1, count: 1 }, 't', signal),
      ).toThrow(`devices must be an integer from 1 to ${LOAD_GENERATOR_LIMITS.maxDevices}`);
    });

    it('reads the bounds the stack sets and refuses broken ones', () => {
      expect(parseLoadLimits(JSON.stringify(limits))).toEqual(limits);
      expect(() => parseLoadLimits('{"maxDevices":0}')).toThrow('maxDevices must be a positive integer');
    });
  });
});
