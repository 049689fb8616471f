import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  invokeLoadGenerator,
  PROCESSING_STACK,
  requireOutput,
  STATEFUL_STACK,
  stackOutputs,
} from './shared/aws-stack.ts';
import { type CliArgs, optionalNumberFlag, runCli, UsageError } from './shared/cli.ts';

/**
 * Smoke test for a deployed FleetStream (never run in CI): reads the stacks' outputs, checks the API answers,
 * has the in-VPC load-generator Lambda produce a known number of records, then polls GET /fleet (SigV4-signed)
 * until the processor has folded them in.
 */

const spec = {
  usage:
    'usage: npm run smoke -- [--region R] [--stateful-stack FleetStreamStateful] [--processing-stack FleetStreamProcessing] ' +
    '[--devices 20] [--count 2000] [--timeout 300]',
  description:
    'Needs AWS credentials for the account the stacks are deployed in (the default provider chain).',
  options: {
    region: { type: 'string' },
    'stateful-stack': { type: 'string' },
    'processing-stack': { type: 'string' },
    devices: { type: 'string' },
    count: { type: 'string' },
    timeout: { type: 'string' },
  },
} as const;

/** A GET against the IAM-authorized API, signed for execute-api. */
const signedGet = (apiUrl: string, region: string) => {
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: fromNodeProviderChain(),
    sha256: Sha256,
  });
  return async (path: string): Promise<{ status: number; body: unknown }> => {
    const url = new URL(path.replace(/^\//, ''), apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
    const signed = await signer.sign({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.hostname },
    });
    const response = await fetch(url, { headers: signed.headers as Record<string, string> });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (e.g. an API Gateway error page): keep the text for the message.
    }
    return { status: response.status, body };
  };
};

const fleetRecords = async (get: ReturnType<typeof signedGet>): Promise<number> => {
  const { status, body } = await get('/fleet');
  if (status !== 200) throw new Error(`GET /fleet answered ${status}: ${JSON.stringify(body)}`);
  const records = (body as { records?: unknown }).records;
  if (typeof records !== 'number')
    throw new Error(`GET /fleet returned no record count: ${JSON.stringify(body)}`);
  return records;
};

const main = async ({ values }: CliArgs<typeof spec.options>): Promise<number> => {
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region === undefined) throw new UsageError('no region: pass --region or set AWS_REGION');
  const statefulStack = values['stateful-stack'] ?? STATEFUL_STACK;
  const processingStack = values['processing-stack'] ?? PROCESSING_STACK;
  const devices = optionalNumberFlag('devices', values.devices, 20, { integer: true, min: 1 });
  const count = optionalNumberFlag('count', values.count, 2000, { integer: true, min: 1 });
  const timeoutSeconds = optionalNumberFlag('timeout', values.timeout, 300, { min: 10 });

  const stateful = await stackOutputs(region, statefulStack);
  const processing = await stackOutputs(region, processingStack);
  const apiUrl = requireOutput(processing, 'ApiUrl', processingStack);
  const generator = requireOutput(processing, 'LoadGeneratorFunction', processingStack);
  console.log(`topic ${stateful.TopicName ?? '?'} · api ${apiUrl}`);

  const get = signedGet(apiUrl, region);
  const health = await get('/health');
  if (health.status !== 200)
    throw new Error(`GET /health answered ${health.status}: ${JSON.stringify(health.body)}`);
  const before = await fleetRecords(get);
  console.log(`api healthy; fleet has ${before} records`);

  console.log(`generating ${count} records for ${devices} devices in the VPC (${generator}) …`);
  const result = await invokeLoadGenerator(region, generator, {
    devices,
    count,
    seed: `smoke-${Date.now()}`,
  });
  const sent = Number(result.sent) - Number(result.bad ?? 0);
  console.log(`produced ${String(result.sent)} records (${String(result.recordsPerSec)} rec/s)`);

  const deadline = Date.now() + timeoutSeconds * 1000;
  const started = Date.now();
  for (;;) {
    const now = await fleetRecords(get);
    const folded = now - before;
    process.stdout.write(`\rprocessed ${folded}/${sent}`);
    if (folded >= sent) {
      console.log(
        `\nok: ${sent} records visible through the API after ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return 0;
    }
    if (Date.now() > deadline) {
      console.log(
        `\nFAILED: only ${folded}/${sent} records visible after ${timeoutSeconds} s (check the dashboard and OffsetLag)`,
      );
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
};

await runCli(spec, main);
