/**
 * In-memory ports that behave like the real DynamoDB path where it matters for hostile data: every item written goes
 * through the SDK's document marshaller (`marshall`, with the document client's options) and is stored as
 * `unmarshall` gives it back, and its size is measured the way DynamoDB bills it (scripts/bench/item-size.ts).
 * A map key the marshaller cannot keep, or an item it refuses, shows here as it would against DynamoDB.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DOCUMENT_MARSHALL_OPTIONS } from '#adapters/marshall-options.ts';
import { DYNAMODB_LIMITS } from '#core/contract/index.ts';
import type { AlertItem, AlertResolve } from '#core/items/alert.ts';
import type { ItemKey } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { AlertSink, ConditionalWrite, ReadOptions, StateStore } from '#core/ports.ts';
import { hasLoneSurrogate } from '#core/record.ts';
import { itemBytes } from '#scripts/bench/item-size.ts';
import { MemoryAlertSink, MemoryStateStore } from './memory-state.ts';

/** DynamoDB's limits. */
export const MAX_ITEM_BYTES = DYNAMODB_LIMITS.itemBytes;
export const MAX_TRANSACTION_BYTES = DYNAMODB_LIMITS.transactionBytes;

/** DynamoDB refuses a request whose strings (values or names) hold an unpaired surrogate: so does this double. */
const refuseLoneSurrogates = (value: unknown, path: string): void => {
  if (typeof value === 'string') {
    if (hasLoneSurrogate(value)) throw new Error(`ValidationException: invalid UTF-8 at ${path}`);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) refuseLoneSurrogates(v, `${path}[${i}]`);
  } else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))
    for (const [name, v] of Object.entries(value)) {
      refuseLoneSurrogates(name, `${path} name`);
      refuseLoneSurrogates(v, `${path}.${name}`);
    }
};

/** The item as DynamoDB would store and return it, and its size. Throws what the marshaller or DynamoDB would. */
export const throughDynamoDb = <T extends object>(item: T): { item: T; bytes: number } => {
  const wire = marshall(item, DOCUMENT_MARSHALL_OPTIONS);
  refuseLoneSurrogates(wire, 'item');
  return { item: unmarshall(wire) as T, bytes: itemBytes(wire) };
};

export class MarshalledStateStore implements StateStore {
  readonly memory = new MemoryStateStore();
  /** Largest item written, and largest transaction (sum of its items), in bytes. */
  maxItemBytes = 0;
  maxTransactionBytes = 0;

  read(keys: readonly ItemKey[], options?: ReadOptions): Promise<Map<string, StateItem>> {
    return this.memory.read(keys, options);
  }

  private convert(write: ConditionalWrite): { write: ConditionalWrite; bytes: number } {
    const { item, bytes } = throughDynamoDb(write.item);
    this.maxItemBytes = Math.max(this.maxItemBytes, bytes);
    return { write: { ...write, item }, bytes };
  }

  put(write: ConditionalWrite): Promise<boolean> {
    return this.memory.put(this.convert(write).write);
  }

  transact(writes: readonly ConditionalWrite[]): Promise<number[]> {
    const converted = writes.map((w) => this.convert(w));
    const total = converted.reduce((sum, c) => sum + c.bytes, 0);
    this.maxTransactionBytes = Math.max(this.maxTransactionBytes, total);
    return this.memory.transact(converted.map((c) => c.write));
  }
}

export class MarshalledAlertSink implements AlertSink {
  readonly memory = new MemoryAlertSink();
  maxItemBytes = 0;
  write(alerts: readonly AlertItem[]): Promise<void> {
    const stored = alerts.map((alert) => {
      const { item, bytes } = throughDynamoDb(alert);
      this.maxItemBytes = Math.max(this.maxItemBytes, bytes);
      return item;
    });
    return this.memory.write(stored);
  }
  resolve(resolves: readonly AlertResolve[]): Promise<void> {
    return this.memory.resolve(resolves.map((r) => throughDynamoDb(r).item));
  }
}
