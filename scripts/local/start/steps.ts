import type { StartStep } from './context.ts';
import {
  bundleLambdas,
  startApi,
  startArchive,
  startCompaction,
  startNotifier,
  startStandIns,
  startStateProcessor,
} from './function-steps.ts';
import { checkReady, startGenerator } from './ready-steps.ts';
import { measureWriteRate, startStatusLine } from './status.ts';
import {
  checkPortsFree,
  createLocalTables,
  createTopic,
  prepareStateDir,
  seedTables,
  startServices,
} from './storage-steps.ts';
import { startSilenceSweep } from './sweep-step.ts';

/** What `npm start` does, in order. Each step registers what it starts, so Ctrl-C stops it in reverse order. */
export const START_STEPS: readonly StartStep[] = [
  { name: 'check the ports are free', run: checkPortsFree },
  { name: 'prepare the state folder (--reset wipes it)', run: prepareStateDir },
  { name: 'start Kafka and DynamoDB Local', run: startServices },
  { name: 'create the topic', run: createTopic },
  { name: 'create the tables', run: createLocalTables },
  { name: 'seed alert rules and the sample registry', run: seedTables },
  { name: 'start the raw archive (Firehose → S3 stand-in)', run: startArchive },
  { name: 'start compacting closed hours into the curated table', run: startCompaction },
  { name: 'bundle the Lambdas', run: bundleLambdas },
  { name: 'start the Firehose and SNS stand-ins', run: startStandIns },
  { name: 'start the state processor and its event source poller', run: startStateProcessor },
  { name: 'start the notifier and the alerts stream', run: startNotifier },
  { name: 'start the silence sweep (every minute)', run: startSilenceSweep },
  { name: 'start the lookup API and the console', run: startApi },
  { name: 'start the generator', run: startGenerator },
  { name: 'check the API answers and print where everything is', run: checkReady },
  { name: "measure DynamoDB Local's write rate (in the background)", run: measureWriteRate },
  { name: 'start the status line', run: startStatusLine },
];
