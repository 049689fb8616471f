import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaConfig, parseBrokers, shortLogCreator } from '#adapters/kafka-client.ts';
import { kafkaConnectionFromFlags } from '#scripts/shared/kafka-connection.ts';

describe('kafkaConfig', () => {
  it('is plaintext with no SASL for the local broker', () => {
    const config = kafkaConfig({ mode: 'local', brokers: '127.0.0.1:9092' });
    expect(config.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.ssl).toBeUndefined();
    expect(config.sasl).toBeUndefined();
    expect(config.logLevel).toBe(logLevel.NOTHING);
  });

  it('uses TLS and OAUTHBEARER backed by the IAM token provider for MSK', async () => {
    const config = kafkaConfig(
      { mode: 'iam', brokers: 'b-1.x.kafka-serverless.us-east-1.amazonaws.com:9098', region: 'us-east-1' },
      { signer: async ({ region }) => ({ token: `signed-for-${region}`, expiryTime: Date.now() + 900_000 }) },
    );
    expect(config.ssl).toBe(true);
    expect(config.sasl?.mechanism).toBe('oauthbearer');
    const sasl = config.sasl as { oauthBearerProvider: () => Promise<{ value: string }> };
    await expect(sasl.oauthBearerProvider()).resolves.toEqual({ value: 'signed-for-us-east-1' });
  });

  it('rejects a broker list with a bad entry before any connection attempt', () => {
    expect(() => kafkaConfig({ mode: 'local', brokers: 'localhost' })).toThrow(
      /invalid broker address "localhost"/,
    );
  });
});

describe('parseBrokers', () => {
  it('splits, trims and validates host:port entries', () => {
    expect(parseBrokers(' a:1, b.example.com:9098 ,')).toEqual(['a:1', 'b.example.com:9098']);
    expect(parseBrokers(['[::1]:9092'])).toEqual(['[::1]:9092']);
  });

  it.each(['', 'a:0', 'a:70000', 'a:b', ':9092'])('rejects %j', (raw) => {
    expect(() => parseBrokers(raw)).toThrow();
  });
});

describe('shortLogCreator', () => {
  it('writes one line with level, namespace, broker and error', () => {
    const lines: string[] = [];
    shortLogCreator((l) => lines.push(l))(logLevel.ERROR)({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 'now', message: 'Connection error', broker: 'a:1', error: 'ECONNREFUSED' },
    });
    expect(lines).toEqual(['kafka error Connection [a:1]: Connection error: ECONNREFUSED']);
  });
});

describe('kafkaConnectionFromFlags', () => {
  it('defaults --local to the local runtime broker, or KAFKA_BROKERS', () => {
    expect(kafkaConnectionFromFlags({ local: true }, {})).toEqual({
      mode: 'local',
      brokers: ['127.0.0.1:9092'],
    });
    expect(kafkaConnectionFromFlags({ local: true }, { KAFKA_BROKERS: '127.0.0.1:1234' })).toEqual({
      mode: 'local',
      brokers: ['127.0.0.1:1234'],
    });
  });

  it('needs brokers and a region for IAM, taking the region from AWS_REGION', () => {
    expect(kafkaConnectionFromFlags({ brokers: 'b:9098' }, { AWS_REGION: 'eu-west-1' })).toEqual({
      mode: 'iam',
      brokers: ['b:9098'],
      region: 'eu-west-1',
    });
    expect(() => kafkaConnectionFromFlags({ brokers: 'b:9098' }, {})).toThrow(/--region/);
    expect(() => kafkaConnectionFromFlags({}, {})).toThrow(/--local, or --brokers/);
    expect(() => kafkaConnectionFromFlags({ local: true, region: 'x' }, {})).toThrow(/--region/);
  });
});
