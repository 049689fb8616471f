import { Sha256 } from '@aws-crypto/sha256-js';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { type CliArgs, optionalNumberFlag, runCli, UsageError } from './lib/cli.ts';

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

const stackOutputs = async (
  cfn: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> => {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks?.[0];
  if (stack === undefined) throw new Error(`stack ${stackName} not found`);
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
};

const requireOutput = (outputs: Record<string, string>, key: string, stack: string): string => {
  const value = outputs[key];
  if (value === undefined || value === '')
    throw new Error(`stack ${stack} has no output ${key} — is it deployed from this version?`);
  return value;
};

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
  const statefulStack = values['stateful-stack'] ?? 'FleetStreamStateful';
  const processingStack = values['processing-stack'] ?? 'FleetStreamProcessing';
  const devices = optionalNumberFlag('devices', values.devices, 20, { integer: true, min: 1 });
  const count = optionalNumberFlag('count', values.count, 2000, { integer: true, min: 1 });
  const timeoutSeconds = optionalNumberFlag('timeout', values.timeout, 300, { min: 10 });

  const cfn = new CloudFormationClient({ region });
  const stateful = await stackOutputs(cfn, statefulStack);
  const processing = await stackOutputs(cfn, processingStack);
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
  const lambda = new LambdaClient({ region });
  const invoked = await lambda.send(
    new InvokeCommand({
      FunctionName: generator,
      Payload: new TextEncoder().encode(JSON.stringify({ devices, count, seed: `smoke-${Date.now()}` })),
    }),
  );
  const result = JSON.parse(new TextDecoder().decode(invoked.Payload ?? new Uint8Array())) as Record<
    string,
    unknown
  >;
  if (invoked.FunctionError !== undefined)
    throw new Error(`load generator failed: ${JSON.stringify(result)}`);
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
