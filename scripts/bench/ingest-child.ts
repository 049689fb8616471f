/**
 * Child process of the benchmark: serves POST /ingest (the ingest app behind the local node:http adapter, producing to
 * the given topic) and prints its URL. Out of the client's process, as a device fleet and the function are apart.
 */

import { startLocalIngest } from '#scripts/local/ingest-route.ts';
import { startApiServer } from '#scripts/shared/api-gateway-http.ts';

const job = JSON.parse(process.argv[2] ?? '{}') as {
  brokers: string;
  topic: string;
  endpoint: string;
  table: string;
};
const ingest = await startLocalIngest({
  brokers: job.brokers,
  topic: job.topic,
  dynamodbEndpoint: job.endpoint,
  table: job.table,
});
const api = await startApiServer(ingest.handler, { port: 0 });
process.stdout.write(`${api.url}\n`);
process.on('SIGTERM', () => {
  void Promise.allSettled([api.close(), ingest.stop()]).finally(() => process.exit(0));
});
