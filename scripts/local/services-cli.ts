import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_LOCAL_DIR, startLocalServices } from './services/index.ts';

// `npm run local:services`: just Kafka + DynamoDB Local, for working on one piece against real services.
const usage =
  'usage: npm run local:services -- [--kafka-port 9092] [--dynamodb-port 8000] [--state-dir .local]';
let values: { 'kafka-port'?: string; 'dynamodb-port'?: string; 'state-dir'?: string };
try {
  ({ values } = parseArgs({
    options: {
      'kafka-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'state-dir': { type: 'string' },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const port = (raw: string | undefined, fallback: number) => {
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`invalid port: ${raw}\n${usage}`);
    process.exit(2);
  }
  return value;
};
const services = await startLocalServices({
  stateDir: values['state-dir'] ?? join(REPO_LOCAL_DIR, 'state'),
  kafkaPort: port(values['kafka-port'], 9092),
  dynamodbPort: port(values['dynamodb-port'], 8000),
  log: console.log,
});
console.log(`Kafka: ${services.brokers}  DynamoDB Local: ${services.dynamodbEndpoint}  (Ctrl-C stops both)`);
const stop = async () => {
  await services.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
