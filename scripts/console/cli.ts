import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { type Credentials, executeApiRegion } from '#scripts/lookup-request.ts';
import {
  type CliArgs,
  errorMessage,
  numberFlag,
  type RunCliOptions,
  runCli,
  UsageError,
} from '#scripts/shared/cli.ts';
import { type ConsoleProxy, startConsoleProxy } from './proxy.ts';
import { createConsoleHandler } from './serve.ts';

export const consoleSpec = {
  usage:
    'usage: npm run console -- --url https://<api-id>.execute-api.<region>.amazonaws.com/<stage> [--port P] [--region R]',
  description: [
    'Serves the fleet console on 127.0.0.1 for a deployed FleetStream API: the page is served locally and its API',
    'calls are forwarded signed with SigV4 (IAM) using the default AWS credential chain (AWS_PROFILE, environment,',
    'SSO, instance role). Nothing is opened in AWS. Changing rules needs the rules-admin permission.',
    '(Locally, `npm start` already serves the console at http://127.0.0.1:3000/.)',
    '  --url     the API URL with its stage (CloudFormation output of the stack)',
    '  --port    local port, default 3030',
    '  --region  signing region, default: from the URL',
  ].join('\n'),
  options: {
    url: { type: 'string' },
    port: { type: 'string' },
    region: { type: 'string' },
  },
} as const;

export interface ConsoleTarget {
  readonly upstream: URL;
  readonly region: string;
  readonly port: number;
}

const EXAMPLE = 'https://<api-id>.execute-api.<region>.amazonaws.com/<stage>';

/** Checks the flags: the URL must be an API Gateway (execute-api) URL with a stage. */
export const consoleTarget = (values: CliArgs<typeof consoleSpec.options>['values']): ConsoleTarget => {
  if (values.url === undefined) throw new UsageError(`--url is required (${EXAMPLE})`);
  let upstream: URL;
  try {
    upstream = new URL(values.url);
  } catch {
    throw new UsageError(`--url is not a URL: ${values.url}`);
  }
  const urlRegion = executeApiRegion(upstream.hostname);
  if (upstream.protocol !== 'https:' || urlRegion === null) {
    throw new UsageError(`--url must be an API Gateway URL like ${EXAMPLE}, got ${values.url}`);
  }
  if (upstream.pathname.replace(/\/+$/, '') === '') {
    throw new UsageError(`--url needs the stage after the host, like ${EXAMPLE}`);
  }
  if (upstream.search !== '' || upstream.hash !== '')
    throw new UsageError('--url takes no query or fragment');
  return {
    upstream,
    region: values.region ?? urlRegion,
    port: numberFlag('port', values.port ?? '3030', { min: 0, max: 65535, integer: true }),
  };
};

export interface ConsoleCliOptions extends RunCliOptions {
  /** @default the default credential chain */
  readonly credentials?: Credentials;
  /** Called once serving; the CLI serves until `stopped` settles (Ctrl-C by default). */
  readonly onReady?: (proxy: ConsoleProxy) => void;
  readonly stopped?: Promise<void>;
}

const ctrlC = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

export const consoleCli = (options: ConsoleCliOptions = {}): Promise<void> =>
  runCli(
    consoleSpec,
    async ({ values }) => {
      const target = consoleTarget(values);
      const credentials = options.credentials ?? fromNodeProviderChain();
      // Fail now, with what to do, rather than on the page's first request.
      try {
        await credentials();
      } catch (error) {
        throw new Error(
          `no AWS credentials found by the default chain (${errorMessage(error)}); set AWS_PROFILE, run "aws configure" or "aws sso login", or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
        );
      }
      const proxy = await startConsoleProxy({
        upstream: target.upstream,
        region: target.region,
        credentials,
        port: target.port,
        console: createConsoleHandler({ config: { target: 'aws', apiLabel: target.upstream.href } }),
      });
      const stdout = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
      stdout(
        `FleetStream console for ${target.upstream.href} (SigV4, ${target.region}) at ${proxy.url}/ — Ctrl-C stops`,
      );
      options.onReady?.(proxy);
      await (options.stopped ?? ctrlC());
      await proxy.close();
      return 0;
    },
    options,
  );
