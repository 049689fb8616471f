import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { FleetStreamError } from '#core/errors.ts';

/**
 * OAUTHBEARER token provider for MSK IAM auth. kafkajs asks for a token on every (re)connect and re-authentication;
 * signing needs credentials (possibly an STS round trip), so the token is cached and only re-signed when it nears
 * expiry. Tokens live at most 15 minutes (the signer's maximum), or less when the credentials expire sooner.
 */

export interface MskAuthToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiryTime: number;
}

export type MskTokenSigner = (options: { region: string }) => Promise<MskAuthToken>;

export interface MskIamTokenProviderOptions {
  readonly region: string;
  /** @default aws-msk-iam-sasl-signer-js `generateAuthToken` (default credential chain) */
  readonly signer?: MskTokenSigner;
  /** @default Date.now */
  readonly now?: () => number;
  /** Re-sign when less than this is left. @default 60_000 */
  readonly minRemainingMs?: number;
  /** …or when less than this share of the token's lifetime is left. @default 0.2 */
  readonly minRemainingRatio?: number;
}

/** What kafkajs' `sasl: { mechanism: 'oauthbearer', oauthBearerProvider }` expects. */
export type OauthBearerProvider = () => Promise<{ value: string }>;

/** Raised when the signer cannot find AWS credentials; carries the signer's error as cause. */
export class MskCredentialsError extends FleetStreamError {
  override readonly name = 'MskCredentialsError';
}

const CREDENTIAL_FAILURE =
  /credential|could not load|security token|ExpiredToken|InvalidClientTokenId|metadata service|profile/i;

export const createMskIamTokenProvider = (options: MskIamTokenProviderOptions): OauthBearerProvider => {
  const region = options.region?.trim();
  if (!region) throw new Error('MSK IAM auth needs an AWS region (set --region or AWS_REGION)');
  const signer = options.signer ?? generateAuthToken;
  const now = options.now ?? Date.now;
  const minRemainingMs = options.minRemainingMs ?? 60_000;
  const minRemainingRatio = options.minRemainingRatio ?? 0.2;

  let cached: { token: MskAuthToken; refreshAt: number } | undefined;
  // Concurrent connects (one per broker) share a single signing call.
  let inFlight: Promise<MskAuthToken> | undefined;

  const sign = async (): Promise<MskAuthToken> => {
    const signedAt = now();
    let token: MskAuthToken;
    try {
      token = await signer({ region });
    } catch (error) {
      throw explainSignerError(error, region);
    }
    if (typeof token?.token !== 'string' || token.token === '' || !Number.isFinite(token.expiryTime)) {
      throw new Error('MSK IAM signer returned no token');
    }
    const lifetime = Math.max(0, token.expiryTime - signedAt);
    const margin = Math.max(minRemainingMs, lifetime * minRemainingRatio);
    cached = { token, refreshAt: token.expiryTime - margin };
    return token;
  };

  return async () => {
    if (cached && now() < cached.refreshAt) return { value: cached.token.token };
    inFlight ??= sign().finally(() => {
      inFlight = undefined;
    });
    return { value: (await inFlight).token };
  };
};

const explainSignerError = (error: unknown, region: string): Error => {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'CredentialsProviderError' || CREDENTIAL_FAILURE.test(message)) {
    return new MskCredentialsError(
      `MSK IAM auth: no usable AWS credentials for region ${region} — set AWS_PROFILE or AWS_ACCESS_KEY_ID/` +
        `AWS_SECRET_ACCESS_KEY, or run with a role (${message})`,
      { cause: error },
    );
  }
  return new Error(`MSK IAM auth: could not sign a token for region ${region}: ${message}`, { cause: error });
};
