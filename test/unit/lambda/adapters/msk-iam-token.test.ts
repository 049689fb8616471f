import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMskIamTokenProvider,
  MskCredentialsError,
  type MskTokenSigner,
} from '#adapters/msk-iam-token.ts';

/** A fake signer issuing numbered tokens valid for `lifetimeMs` from the fake clock's now. */
const fakeSigner = (clock: { now: number }, lifetimeMs = 900_000) => {
  const calls: string[] = [];
  const signer: MskTokenSigner = async ({ region }) => {
    calls.push(region);
    return { token: `token-${calls.length}`, expiryTime: clock.now + lifetimeMs };
  };
  return { signer, calls };
};

describe('MSK IAM token provider', () => {
  it('returns the signed token in the shape kafkajs oauthbearer expects, signed for the region', async () => {
    const clock = { now: 1_000_000 };
    const { signer, calls } = fakeSigner(clock);
    const provider = createMskIamTokenProvider({ region: 'eu-west-1', signer, now: () => clock.now });

    await expect(provider()).resolves.toEqual({ value: 'token-1' });
    expect(calls).toEqual(['eu-west-1']);
  });

  it('reuses the cached token while plenty of its lifetime is left', async () => {
    const clock = { now: 0 };
    const { signer, calls } = fakeSigner(clock);
    const provider = createMskIamTokenProvider({ region: 'us-east-1', signer, now: () => clock.now });

    await provider();
    clock.now = 600_000; // 10 of 15 minutes used: 5 min left > max(60 s, 20% = 3 min)
    await expect(provider()).resolves.toEqual({ value: 'token-1' });
    expect(calls).toHaveLength(1);
  });

  it('re-signs before expiry once less than 20% of the lifetime is left', async () => {
    const clock = { now: 0 };
    const { signer, calls } = fakeSigner(clock);
    const provider = createMskIamTokenProvider({ region: 'us-east-1', signer, now: () => clock.now });

    await provider();
    clock.now = 900_000 - 170_000; // 170 s left < 20% of 900 s = 180 s, token still valid
    await expect(provider()).resolves.toEqual({ value: 'token-2' });
    expect(calls).toHaveLength(2);
  });

  it('re-signs when less than 60 s is left even for short-lived tokens', async () => {
    const clock = { now: 0 };
    const { signer, calls } = fakeSigner(clock, 100_000); // credentials expiring soon: 100 s token
    const provider = createMskIamTokenProvider({ region: 'us-east-1', signer, now: () => clock.now });

    await provider();
    clock.now = 39_000; // 61 s left: keep
    await expect(provider()).resolves.toEqual({ value: 'token-1' });
    clock.now = 41_000; // 59 s left: refresh
    await expect(provider()).resolves.toEqual({ value: 'token-2' });
    expect(calls).toHaveLength(2);
  });

  it('shares one signing call between concurrent connects', async () => {
    const clock = { now: 0 };
    const { signer, calls } = fakeSigner(clock);
    const provider = createMskIamTokenProvider({ region: 'us-east-1', signer, now: () => clock.now });

    const tokens = await Promise.all([provider(), provider(), provider()]);
    expect(tokens.map((t) => t.value)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(calls).toHaveLength(1);
  });

  it('turns a missing-credentials failure into a clear error and retries on the next call', async () => {
    let fail = true;
    const signer: MskTokenSigner = async () => {
      if (fail) {
        const error = new Error('Could not load credentials from any providers');
        error.name = 'CredentialsProviderError';
        throw error;
      }
      return { token: 'ok', expiryTime: Date.now() + 900_000 };
    };
    const provider = createMskIamTokenProvider({ region: 'us-east-1', signer });

    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MskCredentialsError);
    expect((error as Error).message).toMatch(/no usable AWS credentials for region us-east-1.*AWS_PROFILE/);
    fail = false;
    await expect(provider()).resolves.toEqual({ value: 'ok' });
  });

  it('rejects a missing region up front', () => {
    expect(() => createMskIamTokenProvider({ region: ' ' })).toThrow(/needs an AWS region/);
  });

  it('rejects an empty token from the signer', async () => {
    const provider = createMskIamTokenProvider({
      region: 'us-east-1',
      signer: async () => ({ token: '', expiryTime: Date.now() + 1000 }),
    });
    await expect(provider()).rejects.toThrow(/no token/);
  });

  describe('with the real signer and no credentials anywhere', () => {
    const saved = { ...process.env };
    let home: string | undefined;
    afterEach(async () => {
      process.env = { ...saved };
      if (home) await rm(home, { recursive: true, force: true });
    });

    it('fails fast with the clear error (no network: metadata service disabled)', async () => {
      home = await mkdtemp(join(tmpdir(), 'no-aws-'));
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, {
        HOME: home,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_CONFIG_FILE: join(home, 'config'),
      });
      const provider = createMskIamTokenProvider({ region: 'us-east-1', signer: generateAuthToken });

      const started = Date.now();
      const error = await provider().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MskCredentialsError);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
