import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareWalDataFile } from './dynamodb-wal.ts';
import { isPortOpen, waitUntil } from './ports.ts';
import { failOnExit, killStale, type ServiceProcess, spawnService } from './process.ts';

export interface DynamoDbOptions {
  /** Folder for the data file (persists across restarts), PID file and service log. */
  readonly dir: string;
  readonly libDir: string;
  readonly port: number;
}

const listTables = async (port: number): Promise<boolean> => {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
    signal: AbortSignal.timeout(2_000),
  });
  return response.ok;
};

/**
 * Starts DynamoDB Local on a data file (not -inMemory) so state survives a restart, and waits until it answers. A new
 * data file starts in SQLite's write-ahead-log mode (dynamodb-wal.ts): one disk sync per write instead of several.
 */
export const startDynamoDb = async (o: DynamoDbOptions): Promise<ServiceProcess> => {
  const dataDir = join(o.dir, 'data');
  const files = { log: join(o.dir, 'dynamodb.log'), pid: join(o.dir, 'dynamodb.pid') };
  await mkdir(dataDir, { recursive: true });
  await killStale(files.pid, o.dir);
  if (await isPortOpen(o.port))
    throw new Error(`DynamoDB Local port ${o.port} on 127.0.0.1 is already in use`);
  await prepareWalDataFile(dataDir);

  const service = await spawnService(
    'DynamoDB Local',
    [
      '-Xms128m',
      '-Xmx1g',
      `-Djava.library.path=${o.libDir}`,
      `-Dfleetstream.dir=${o.dir}`,
      '-cp',
      join(o.libDir, '*'),
      'software.amazon.dynamodb.services.local.main.ServerRunner',
      '-port',
      String(o.port),
      '-dbPath',
      dataDir,
      '-sharedDb',
      '-disableTelemetry',
    ],
    files,
  );
  try {
    await Promise.race([
      waitUntil(`DynamoDB Local on 127.0.0.1:${o.port}`, () => listTables(o.port), 60_000),
      failOnExit(service, files.log),
    ]);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
};
