/**
 * `npm run registry:load -- --file devices.csv|devices.json [--local] [--endpoint URL] [--table NAME]`
 * Loads the device registry (enrichment attributes) with BatchWriteItem, 25 rows per call, retrying unprocessed
 * items with backoff. Any bad row aborts the load before anything is written (exit 1, each bad row listed).
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { runCli, UsageError } from './shared/cli.ts';
import { parseRegistryFile } from './shared/registry-rows.ts';
import { writeRegistryRows } from './shared/registry-writer.ts';

const spec = {
  usage:
    'usage: npm run registry:load -- --file devices.csv|devices.json [--local] [--endpoint http://127.0.0.1:8000] [--table NAME]',
  description: [
    'CSV needs a header row with a deviceId column; JSON is an array of objects with deviceId.',
    'Each row: at most 32 attributes and 4,096 bytes of names + values; names 1-64 characters, not __proto__ or',
    'constructor; rows out of bounds are listed and nothing is loaded.',
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
  await writeRegistryRows(createDocumentClient(endpoint), table, rows, (written) =>
    process.stderr.write(`\rloaded ${written}/${rows.length}`),
  );
  process.stderr.write('\n');
  process.stdout.write(`loaded ${rows.length} devices into ${table}\n`);
  return 0;
});
