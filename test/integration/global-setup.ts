import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalServices } from '#scripts/local/services/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string;
    dynamodbEndpoint: string;
  }
}

/**
 * Starts one real Kafka broker and one DynamoDB Local for the whole integration suite (from the Maven-resolved jars
 * cached under .local/cache), on free loopback ports and a throwaway state folder; stops them afterwards.
 * Tests isolate themselves with their own topic names and table prefixes.
 */
export default async function setup(project: TestProject) {
  const stateDir = await mkdtemp(join(tmpdir(), 'fleetstream-it-'));
  const services = await startLocalServices({
    stateDir,
    log: (line) => console.log(`[local services] ${line}`),
  });
  project.provide('brokers', services.brokers);
  project.provide('dynamodbEndpoint', services.dynamodbEndpoint);
  return async () => {
    await services.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
}
