/**
 * Child process of the benchmark: serves the lookup API (the real handler behind the local node:http adapter) over
 * the given tables and prints its URL. Out of the processor's process, so the API's CPU is not counted as the
 * processor's — in AWS they are separate Lambdas too.
 */

import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import type { TableNames } from '#scripts/local/tables.ts';
import { startApiServer } from '#scripts/shared/api-gateway-http.ts';

const { endpoint, tables } = JSON.parse(process.argv[2] ?? '{}') as { endpoint: string; tables: TableNames };
const api = await startApiServer(
  createLookupApi({ db: createDocumentClient(endpoint), tables, now: Date.now }, silentLog),
  {
    port: 0,
  },
);
process.stdout.write(`${api.url}\n`);
process.on('SIGTERM', () => {
  void api.close().finally(() => process.exit(0));
});
