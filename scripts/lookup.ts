import type { DeviceView } from '#lambda/lookup-api/mappers.ts';
import { formatDevice } from './lookup-format.ts';
import { deviceRequest } from './lookup-request.ts';
import { runCli, UsageError } from './shared/cli.ts';

const spec = {
  usage: 'usage: npm run lookup -- <deviceId> [--url URL] [--region REGION] [--json]',
  description: [
    'Prints one device from the lookup API: status, last seen, cpu/memory now and min/avg/max, interfaces,',
    'registry and active alerts.',
    '  --url     API base URL (default $FLEETSTREAM_API_URL or http://127.0.0.1:3000, i.e. `npm start`);',
    '            an execute-api URL (https://<id>.execute-api.<region>.amazonaws.com/<stage>) is signed with SigV4',
    '            using the default AWS credential chain',
    '  --region  signing region (default: from the URL, else $AWS_REGION)',
    '  --json    print the API response as JSON',
  ].join('\n'),
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
} as const;

/** The API's `{"error"}` (or API Gateway's `{"message"}`), else the raw body. */
const apiError = (text: string): string => {
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    return body.error ?? body.message ?? text;
  } catch {
    return text;
  }
};

const main = async ({
  values,
  positionals,
}: {
  values: { url?: string; region?: string; json?: boolean };
  positionals: string[];
}) => {
  const [deviceId, ...extra] = positionals;
  if (deviceId === undefined || deviceId === '') throw new UsageError('missing <deviceId>');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const base = values.url ?? process.env.FLEETSTREAM_API_URL ?? 'http://127.0.0.1:3000';
  const request = await deviceRequest(base, deviceId, values.region);
  let response: Response;
  try {
    response = await fetch(request.url, { headers: request.headers, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause =
      (error as Error).cause instanceof Error
        ? ((error as Error).cause as Error).message
        : (error as Error).message;
    throw new Error(`cannot reach the API at ${base} (${cause}); is \`npm start\` running?`);
  }
  const text = await response.text();
  if (response.status === 404) {
    process.stderr.write(`device ${deviceId} not found (no records seen for it yet)\n`);
    return 1;
  }
  if (!response.ok) {
    const reason = apiError(text);
    process.stderr.write(`the API answered ${response.status}: ${reason}\n`);
    return 1;
  }
  const device = JSON.parse(text) as DeviceView;
  process.stdout.write(
    values.json ? `${JSON.stringify(device, null, 2)}\n` : `${formatDevice(device, Date.now())}\n`,
  );
  return 0;
};

await runCli(spec, main);
