import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { requireEnv } from '#adapters/env.ts';
import { createLookupApi } from './app.ts';

// Clients and configuration once per container, at cold start.
const db = createDocumentClient();

export const handler = createLookupApi({
  db,
  tables: {
    state: requireEnv('STATE_TABLE'),
    registry: requireEnv('REGISTRY_TABLE'),
    rules: requireEnv('RULES_TABLE'),
    alerts: requireEnv('ALERTS_TABLE'),
  },
  now: Date.now,
});
