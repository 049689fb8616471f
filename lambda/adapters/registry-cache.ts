/**
 * Device registry rows (enrichment), read with BatchGet for the devices of a batch and cached for
 * REGISTRY_CACHE_SECONDS (default DEFAULT_REGISTRY_CACHE_SECONDS). Misses are cached too, so unregistered devices cost no reads per batch.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_REGISTRY_CACHE_SECONDS } from '#core/contract/index.ts';
import type { Log, RegistrySource } from '#core/ports.ts';
import type { Registry } from '#core/registry.ts';
import { registryCopy, registryProblem } from '#core/registry.ts';
import type { BackoffOptions } from './backoff.ts';
import { batchGetAll } from './batch-get.ts';
import { createCounters, type DynamoDbCounters } from './dynamodb-counters.ts';

export interface RegistryCacheOptions {
  ttlSeconds?: number;
  clock?: () => number;
  backoff?: BackoffOptions;
  counters?: DynamoDbCounters;
  /** Entries kept before the cache is cleared (bounds memory on huge fleets). @default 200_000 */
  maxEntries?: number;
  /** Told about rows dropped for being out of bounds. @default silent */
  logger?: Pick<Log, 'warn'>;
}

/** A registry row as attributes: strings only, without the key, in a null-prototype map. */
export const registryOf = (row: Record<string, unknown>): Registry => {
  const registry = registryCopy(row);
  delete registry.deviceId;
  return registry;
};

/**
 * The row's registry, or null with a warning when it is out of bounds (loaded around `registry:load`'s checks): it
 * would be copied into the device item and every alert item, so the device is processed without it.
 */
const boundedRegistry = (row: Record<string, unknown>, warn: (problem: string) => void): Registry | null => {
  const registry = registryOf(row);
  const problem = registryProblem(registry);
  if (problem === null) return registry;
  warn(problem);
  return null;
};

export class DynamoDbRegistryCache implements RegistrySource {
  private readonly cache = new Map<string, { value: Registry | null; expires: number }>();
  readonly counters: DynamoDbCounters;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: RegistryCacheOptions = {},
  ) {
    this.counters = options.counters ?? createCounters();
  }

  async lookup(deviceIds: readonly string[]): Promise<Map<string, Registry | null>> {
    const now = (this.options.clock ?? Date.now)();
    const out = new Map<string, Registry | null>();
    const missing: string[] = [];
    for (const id of new Set(deviceIds)) {
      const hit = this.cache.get(id);
      if (hit && now < hit.expires) out.set(id, hit.value);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows = await batchGetAll(
      this.client,
      this.table,
      missing.map((deviceId) => ({ deviceId })),
      { consistentRead: false, counters: this.counters, backoff: this.options.backoff },
    );
    const found = new Map(
      rows.map((row) => {
        const deviceId = String(row.deviceId);
        const warn = (problem: string) =>
          this.options.logger?.warn('registry row out of bounds; device processed without it', {
            deviceId,
            problem,
          });
        return [deviceId, boundedRegistry(row, warn)];
      }),
    );
    if (this.cache.size + missing.length > (this.options.maxEntries ?? 200_000)) this.cache.clear();
    const expires = now + (this.options.ttlSeconds ?? DEFAULT_REGISTRY_CACHE_SECONDS) * 1000;
    for (const id of missing) {
      const value = found.get(id) ?? null;
      this.cache.set(id, { value, expires });
      out.set(id, value);
    }
    return out;
  }
}
