/**
 * `npm run registry:load -- --file devices.csv|devices.json [--local] [--endpoint URL] [--table NAME]`
 * Loads the device registry (enrichment attributes) with BatchWriteItem, 25 rows per call, retrying unprocessed
 * items with backoff. Any bad row aborts the load before anything is written (exit 1, each bad row listed).
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isRetryable, RetryableError, withBackoff } from '../lambda/adapters/backoff.ts';
import { createDocumentClient } from '../lambda/adapters/dynamodb-client.ts';
import { runCli, UsageError } from './lib/cli.ts';
import { parseRegistryFile, type RegistryRow } from './lib/registry-rows.ts';

const ROWS_PER_CALL = 25;

const spec = {
  usage:
    'usage: npm run registry:load -- --file devices.csv|devices.json [--local] [--endpoint http://127.0.0.1:8000] [--table NAME]',
  description: [
    'CSV needs a header row with a deviceId column; JSON is an array of objects with deviceId.',
    'Table: --table, else $REGISTRY_TABLE, else fleetstream-registry with --local.',
    'Endpoint with --local: --endpoint, else $DYNAMODB_ENDPOINT, else http://127.0.0.1:8000.',
  ].join('\n'),
  options: {
    file: { type: 'string' },
    local: { type: 'boolean', default: false },
    endpoint: { type: 'string' },
    table: { type: 'string' },
  },
} as const;

const writeRows = async (endpoint: string | undefined, table: string, rows: RegistryRow[]) => {
  const client = createDocumentClient(endpoint);
  for (let i = 0; i < rows.length; i += ROWS_PER_CALL) {
    let pending = rows.slice(i, i + ROWS_PER_CALL).map((Item) => ({ PutRequest: { Item } }));
    await withBackoff(async () => {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      const unprocessed = out.UnprocessedItems?.[table] ?? [];
      if (unprocessed.length > 0) {
        pending = unprocessed as typeof pending;
        throw new RetryableError(`${unprocessed.length} rows unprocessed`);
      }
    }, isRetryable);
    process.stderr.write(`\rloaded ${Math.min(i + ROWS_PER_CALL, rows.length)}/${rows.length}`);
  }
  process.stderr.write('\n');
};

await runCli(spec, async ({ values }) => {
  if (!values.file) throw new UsageError('--file is required');
  if (values.endpoint && !values.local) throw new UsageError('--endpoint needs --local');
  const table =
    values.table ?? process.env.REGISTRY_TABLE ?? (values.local ? 'fleetstream-registry' : undefined);
  if (!table) throw new UsageError('--table (or $REGISTRY_TABLE) is required without --local');
  const kind = extname(values.file).toLowerCase() === '.json' ? 'json' : 'csv';
  const text = await readFile(values.file, 'utf8');
  const { rows, errors } = parseRegistryFile(text, kind);
  if (errors.length > 0) {
    for (const error of errors) process.stderr.write(`${values.file}: ${error}\n`);
    process.stderr.write(`${errors.length} bad row(s); nothing loaded\n`);
    return 1;
  }
  const endpoint = values.local
    ? (values.endpoint ?? process.env.DYNAMODB_ENDPOINT ?? 'http://127.0.0.1:8000')
    : undefined;
  await writeRows(endpoint, table, rows);
  process.stdout.write(`loaded ${rows.length} devices into ${table}\n`);
  return 0;
});
