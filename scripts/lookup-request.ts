import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { UsageError } from './lib/cli.ts';

const EXECUTE_API = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

export interface DeviceRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  /** The region the request was signed for, or null when unsigned (local API). */
  readonly signedFor: string | null;
}

/**
 * The GET for one device. An API Gateway URL (execute-api) is signed with SigV4 for IAM auth, with the region from
 * --region, else the URL, else AWS_REGION; any other URL (the local API) goes unsigned unless --region asks for it.
 */
export const deviceRequest = async (
  base: string,
  deviceId: string,
  region: string | undefined,
  credentials: ReturnType<typeof fromNodeProviderChain> = fromNodeProviderChain(),
): Promise<DeviceRequest> => {
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, '')}/devices/${encodeURIComponent(deviceId)}`);
  } catch {
    throw new UsageError(`--url is not a URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--url must be http(s)');
  const match = EXECUTE_API.exec(url.hostname);
  if (match === null && region === undefined) return { url, headers: {}, signedFor: null };
  const signingRegion = region ?? match?.[1] ?? process.env.AWS_REGION;
  if (signingRegion === undefined) throw new UsageError('--region is needed to sign requests for this URL');
  const signer = new SignatureV4({
    service: 'execute-api',
    region: signingRegion,
    credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    // The path as sent on the wire (percent-encoded); the signer encodes it once more, as SigV4 asks for API Gateway.
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host },
  });
  return { url, headers: signed.headers, signedFor: signingRegion };
};
