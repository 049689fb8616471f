/**
 * Splits DynamoDB units by item kind (device, window, fleet, alert, other) and index, from the wire-level requests
 * the counting middleware sees: what each part of the data model costs, as AWS would bill it.
 *
 * Writes: 1 unit per started KB of the item sent (2 in a transaction). Index writes: the state table's GSIs project
 * status and model (1 unit each, their entries are tiny), so a new device writes both and a status change writes
 * byStatus twice (delete + put); the alerts table's byDay index projects ALL (the alert's units again). The last
 * status written per device is remembered here, as the counter sees every write of the run.
 * Reads: per key asked, 1 unit per started 4 KB of the item found (an absent item still costs 1), halved when the
 * read is eventually consistent.
 */
import { emptyEvents, type FloorEvents } from './floor.ts';
import { itemBytes, type Obj, obj, writeUnitsOf } from './item-size.ts';

export const ITEM_KINDS = ['device', 'window', 'fleet', 'alert', 'other'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface UnitSplit {
  /** Write units per item kind, and `index` for GSI writes. */
  wcu: Record<ItemKind | 'index', number>;
  rcu: Record<ItemKind, number>;
  /** Bytes of every item written, per kind (for percentiles). */
  writtenBytes: Record<ItemKind, number[]>;
  /** The workload's events as the writes show them, for the floors (floor.ts). */
  events: FloorEvents;
}

const zeroKinds = () => ({ device: 0, window: 0, fleet: 0, alert: 0, other: 0 });

export const emptySplit = (): UnitSplit => ({
  wcu: { ...zeroKinds(), index: 0 },
  rcu: zeroKinds(),
  writtenBytes: { device: [], window: [], fleet: [], alert: [], other: [] },
  events: emptyEvents(),
});

const str = (v: unknown): string | undefined => {
  const s = obj(v).S;
  return typeof s === 'string' ? s : undefined;
};

/** The kind of an item (or key) from its wire-level attributes (docs/DATA_MODEL.md keys). */
export const kindOf = (item: unknown): ItemKind => {
  const i = obj(item);
  const pk = str(i.pk);
  const sk = str(i.sk);
  if (i.alertKey !== undefined) return 'alert';
  if (sk === 'STATE') return 'device';
  if (sk?.startsWith('WIN#')) return 'window';
  if (pk?.startsWith('FLEET')) return 'fleet';
  return 'other';
};

const readUnits = (item: unknown): number => Math.max(1, Math.ceil(itemBytes(item) / 4096));
/** An item's (or key's) identity in the state table: pk and sk. */
const keyIdOf = (item: unknown): string => `${str(obj(item).pk)}\n${str(obj(item).sk)}`;

/** Puts a request carries (Put, BatchWrite puts, transaction puts), with their unit multiplier. */
const putsOf = (command: string, input: Obj): { item: unknown; condition: unknown; factor: number }[] => {
  if (command === 'PutItemCommand')
    return [{ item: input.Item, condition: input.ConditionExpression, factor: 1 }];
  if (command === 'TransactWriteItemsCommand')
    return (Array.isArray(input.TransactItems) ? input.TransactItems : []).flatMap((t) => {
      const put = obj(obj(t).Put);
      return put.Item === undefined
        ? []
        : [{ item: put.Item, condition: put.ConditionExpression, factor: 2 }];
    });
  if (command === 'BatchWriteItemCommand')
    return Object.values(obj(input.RequestItems))
      .flat()
      .flatMap((r) => {
        const put = obj(obj(r).PutRequest);
        return put.Item === undefined ? [] : [{ item: put.Item, condition: undefined, factor: 1 }];
      });
  return [];
};

export interface SplitTracker {
  split(): UnitSplit;
  /** A write request that succeeded; returns the index write units it caused. */
  written(command: string, input: unknown): number;
  /** A read request and its output. */
  read(command: string, input: unknown, output: unknown): void;
  reset(): void;
}

export const trackSplit = (): SplitTracker => {
  let split = emptySplit();
  let statusOf = new Map<string, string>();
  let recordsOffsetOf = new Map<string, string>();
  /** A partition's fleet item carries new record counts when its watermark moved; in a transaction, fleet counts. */
  const countFleetWrite = (item: Obj, atomic: boolean) => {
    const id = keyIdOf(item);
    const offset = obj(item.offset).N;
    const advanced = typeof offset === 'string' && offset !== recordsOffsetOf.get(id);
    if (typeof offset === 'string') recordsOffsetOf.set(id, offset);
    if (advanced) split.events.partitionBatches += 1;
    if (!atomic) return;
    split.events.counterWrites += 1;
    if (advanced) split.events.counterWritesWithRecords += 1;
  };
  return {
    split: () => structuredClone(split),
    reset: () => {
      split = emptySplit();
      statusOf = new Map();
      recordsOffsetOf = new Map();
    },
    written: (command, input) => {
      const puts = putsOf(command, obj(input));
      if (puts.length === 0 && command !== 'PutItemCommand') {
        split.wcu.other += 1; // UpdateItem / DeleteItem: size not in the request
        return 0;
      }
      const indexBefore = split.wcu.index;
      for (const { item, condition, factor } of puts) {
        const kind = kindOf(item);
        const units = writeUnitsOf(item) * factor;
        split.wcu[kind] += units;
        split.writtenBytes[kind].push(itemBytes(item));
        const events = split.events;
        const atomic = factor === 2;
        if (kind === 'alert') {
          split.wcu.index += writeUnitsOf(item);
          events.alerts += 1;
        }
        if (kind === 'window') {
          // A close: in the device's transaction, or the first write of a window item holding a closed window.
          const copy =
            obj(item).closedAt !== undefined && String(condition ?? '').includes('attribute_not_exists');
          if (atomic || copy) events.closedMinutes += 1;
          else events.lateMinutes += 1;
          if (atomic) events.closedInTransactions += 1;
        }
        if (kind === 'fleet') countFleetWrite(obj(item), atomic);
        if (kind !== 'device') continue;
        events.deviceBatches += 1;
        if (atomic) events.atomicDevices += 1;
        const pk = str(obj(item).pk) ?? '';
        const status = str(obj(item).status) ?? '';
        const before = statusOf.get(pk);
        if (before === undefined && String(condition ?? '').includes('attribute_not_exists')) {
          split.wcu.index += 2;
          events.newDevices += 1;
        } else if (before !== undefined && before !== status) {
          split.wcu.index += 2;
          events.statusChanges += 1;
        }
        statusOf.set(pk, status);
      }
      return split.wcu.index - indexBefore;
    },
    read: (command, input, output) => {
      if (command !== 'BatchGetItemCommand' && command !== 'GetItemCommand') return;
      const i = obj(input);
      const o = obj(output);
      const requests =
        command === 'GetItemCommand'
          ? [{ keys: [i.Key], consistent: i.ConsistentRead === true, found: o.Item ? [o.Item] : [] }]
          : Object.entries(obj(i.RequestItems)).map(([table, r]) => ({
              keys: Array.isArray(obj(r).Keys) ? (obj(r).Keys as unknown[]) : [],
              consistent: obj(r).ConsistentRead === true,
              found: Array.isArray(obj(o.Responses)[table]) ? (obj(o.Responses)[table] as unknown[]) : [],
            }));
      for (const { keys, consistent, found } of requests) {
        const factor = consistent ? 1 : 0.5;
        const foundById = new Map(found.map((item) => [keyIdOf(item), item]));
        const unprocessed = new Set(
          Object.values(obj(o.UnprocessedKeys)).flatMap((u) =>
            (Array.isArray(obj(u).Keys) ? (obj(u).Keys as unknown[]) : []).map(keyIdOf),
          ),
        );
        for (const key of keys) {
          const id = keyIdOf(key);
          if (unprocessed.has(id)) continue;
          const item = foundById.get(id);
          split.rcu[kindOf(key)] += (item === undefined ? 1 : readUnits(item)) * factor;
        }
      }
    },
  };
};
