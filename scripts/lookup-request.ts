import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { UsageError } from './shared/cli.ts';

const EXECUTE_API = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

export type Credentials = ReturnType<typeof fromNodeProviderChain>;

/** The region in an API Gateway (execute-api) host name, or null for any other host. */
export const executeApiRegion = (hostname: string): string | null => EXECUTE_API.exec(hostname)?.[1] ?? null;

export interface ApiRequestToSign {
  readonly method: string;
  readonly url: URL;
  /** Headers to sign and send besides host (e.g. content-type). */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly region: string;
  readonly credentials: Credentials;
}

/** SigV4 headers (service execute-api, IAM auth) for one API request: what `npm run lookup` and the console send. */
export const signApiRequest = async (request: ApiRequestToSign): Promise<Record<string, string>> => {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: request.region,
    credentials: request.credentials,
    sha256: Sha256,
  });
  const { url } = request;
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    // The path as sent on the wire (percent-encoded); the signer encodes it once more, as SigV4 asks for API Gateway.
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...request.headers, host: url.host },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return signed.headers;
};

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
  credentials: Credentials = fromNodeProviderChain(),
): Promise<DeviceRequest> => {
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, '')}/devices/${encodeURIComponent(deviceId)}`);
  } catch {
    throw new UsageError(`--url is not a URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--url must be http(s)');
  const urlRegion = executeApiRegion(url.hostname);
  if (urlRegion === null && region === undefined) return { url, headers: {}, signedFor: null };
  const signingRegion = region ?? urlRegion ?? process.env.AWS_REGION;
  if (signingRegion === undefined) throw new UsageError('--region is needed to sign requests for this URL');
  const headers = await signApiRequest({ method: 'GET', url, region: signingRegion, credentials });
  return { url, headers, signedFor: signingRegion };
};
