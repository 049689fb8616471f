import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { requireEnv } from '#adapters/env.ts';
import { functionLog } from '#adapters/observability.ts';
import { ENV } from '#core/contract/index.ts';
import { createLookupApi } from './app.ts';

// Clients and configuration once per container, at cold start.
const db = createDocumentClient();

export const handler = createLookupApi(
  {
    db,
    tables: {
      state: requireEnv(ENV.stateTable),
      registry: requireEnv(ENV.registryTable),
      rules: requireEnv(ENV.rulesTable),
      alerts: requireEnv(ENV.alertsTable),
      operator: requireEnv(ENV.operatorTable),
    },
    now: Date.now,
  },
  functionLog('lookup-api'),
);
