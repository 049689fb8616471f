import { join } from 'node:path';
import { LAKE_PREFIX, lakeFolder } from '#core/contract/index.ts';
import { runGenerator } from '#lambda/generator/run.ts';
import { describeBatching } from '#scripts/local/profile.ts';
import { errorMessage } from '#scripts/shared/cli.ts';
import type { StartContext } from './context.ts';
import { datalakeDir } from './function-steps.ts';
import { TOPIC } from './names.ts';

export const startGenerator = async (context: StartContext): Promise<void> => {
  const { config } = context;
  if (!config.generator) return;
  const abort = new AbortController();
  const generator = runGenerator(
    context.get('kafka'),
    {
      topic: TOPIC,
      devices: config.devices,
      rate: config.rate,
      silentRatio: config.silentRatio,
      signal: abort.signal,
      seed: Date.now(),
    },
    (progress) => (context.generatorRate = progress.recordsPerSec),
  ).catch((error: unknown) => {
    context.problem = `generator stopped: ${errorMessage(error)}`;
    context.generatorRate = null;
  });
  context.generatorRate = 0;
  await context.running.add('generator', async () => {
    abort.abort();
    await generator;
  });
};

/** Ready means what a user will do first works: the API answers. Then the banner says where everything is. */
export const checkReady = async (context: StartContext): Promise<void> => {
  const { config } = context;
  const api = context.get('api');
  const health = await fetch(`${api.url}/health`);
  if (!health.ok) throw new Error(`the API did not come up: GET /health answered ${health.status}`);
  const services = context.get('services');
  const lake = datalakeDir(context);
  const shown = (path: string) => context.shown(path);
  const firstDevice = config.generator ? 'dvc0001' : '<deviceId>';
  context.log(
    [
      '',
      `FleetStream is ready — API ${api.url}   console ${api.url}/`,
      `  devices    ${api.url}/devices?status=down   fleet ${api.url}/fleet   alerts ${api.url}/alerts   rules ${api.url}/rules`,
      `  lookup     npm run lookup -- ${firstDevice}${config.apiPort === 3000 ? '' : ` --url ${api.url}`}`,
      `  Kafka      ${services.brokers}  topic ${TOPIC}${config.generator ? `  (generator: ${config.devices} devices, ${config.rate} records/s)` : '  (no generator: produce your own)'}`,
      `  batching   ${describeBatching(config.batching)}`,
      `  DynamoDB   ${services.dynamodbEndpoint}  tables ${Object.values(context.get('tables')).join(', ')}`,
      `  files      ${shown(join(lake, lakeFolder(LAKE_PREFIX.raw)))}/  ${shown(join(lake, lakeFolder(LAKE_PREFIX.deadLetter)))}/  ${shown(join(config.stateDir, 'alerts.jsonl'))}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
};
