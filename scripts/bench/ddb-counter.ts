/**
 * Counts what a DynamoDB client does, from outside the code under test: a middleware on the client asks every call
 * for its consumed capacity and tallies calls, item reads/writes and capacity units. FleetStream and the naive
 * baseline are counted by the same code, so their ratios are comparable.
 *
 * Item-level counting is what DynamoDB bills: a BatchWriteItem of 25 puts is 25 write requests, a TransactWriteItems
 * of 2 is 2; a conditional write that fails its condition still counts (it consumed capacity in AWS). Write capacity
 * is the larger of DynamoDB Local's report and what AWS would bill for the items sent (item-size.ts): Local reports
 * transactions at half or less of AWS's 2 units per KB.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { billedWriteUnits, type Obj, obj } from './item-size.ts';
import { type SplitTracker, trackSplit, type UnitSplit } from './unit-split.ts';

export interface DdbCounts {
  writeCalls: number;
  readCalls: number;
  otherCalls: number;
  itemWrites: number;
  itemReads: number;
  wcu: number;
  rcu: number;
}

export const emptyCounts = (): DdbCounts => ({
  writeCalls: 0,
  readCalls: 0,
  otherCalls: 0,
  itemWrites: 0,
  itemReads: 0,
  wcu: 0,
  rcu: 0,
});

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
  'QueryCommand',
  'ScanCommand',
]);
/** Commands that accept ReturnConsumedCapacity. */
const CAPACITY = new Set([...WRITES, ...READS]);

const length = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
const sumValues = (v: unknown, f: (x: unknown) => number): number =>
  Object.values(obj(v)).reduce<number>((s, x) => s + f(x), 0);

/** Units in a ConsumedCapacity (object or list); table + index units when DynamoDB reports them (TOTAL). */
export const capacityUnits = (consumed: unknown): number =>
  (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]).reduce<number>((s, c) => {
    const units = obj(c).CapacityUnits;
    return s + (typeof units === 'number' ? units : 0);
  }, 0);

/** Items a write call wrote (attempted), from its low-level input and output. */
export const itemsWritten = (command: string, input: unknown, output: unknown): number => {
  const i = obj(input);
  if (command === 'BatchWriteItemCommand') {
    const requested = sumValues(i.RequestItems, length);
    return requested - sumValues(obj(output).UnprocessedItems, length);
  }
  if (command === 'TransactWriteItemsCommand') return length(i.TransactItems);
  return 1;
};

/** Items a read call read: keys asked for (less unprocessed), or the items a query/scan returned. */
export const itemsRead = (command: string, input: unknown, output: unknown): number => {
  const i = obj(input);
  const o = obj(output);
  if (command === 'BatchGetItemCommand') {
    const requested = sumValues(i.RequestItems, (x) => length(obj(x).Keys));
    return requested - sumValues(o.UnprocessedKeys, (x) => length(obj(x).Keys));
  }
  if (command === 'TransactGetItemsCommand') return length(i.TransactItems);
  if (command === 'QueryCommand' || command === 'ScanCommand')
    return typeof o.Count === 'number' ? o.Count : 0;
  return 1;
};

/**
 * Adds one finished call to the counts (output undefined when it failed). `indexUnits`: the GSI writes it caused as
 * AWS bills them (unit-split.ts); DynamoDB Local does not report them all.
 */
export const tally = (
  counts: DdbCounts,
  command: string,
  input: unknown,
  output: unknown,
  indexUnits = 0,
): void => {
  if (WRITES.has(command)) {
    counts.writeCalls++;
    counts.itemWrites += itemsWritten(command, input, output);
    // A failed condition is billed too (AWS: at least 1 unit), so the estimate applies with no output.
    counts.wcu += Math.max(
      capacityUnits(obj(output).ConsumedCapacity),
      billedWriteUnits(command, input, output) + indexUnits,
    );
  } else if (READS.has(command)) {
    counts.readCalls++;
    counts.itemReads += output === undefined ? 0 : itemsRead(command, input, output);
    counts.rcu += capacityUnits(obj(output).ConsumedCapacity);
  } else {
    counts.otherCalls++;
  }
};

export interface DdbCounter {
  /** A snapshot of the counts so far. */
  counts(): DdbCounts;
  /** Units by item kind and index (unit-split.ts). */
  split(): UnitSplit;
  reset(): void;
}

/**
 * Adds the counting middleware to a client (a document client shares its base client's stack). Two steps: asking for
 * consumed capacity at `serialize` (before the request is built), counting at `build`, after the document client's
 * `DocumentMarshall` (which runs just before the serializer), so the counter sees wire-level AttributeValues.
 */
export const countDynamoDb = (client: DynamoDBClient | DynamoDBDocumentClient): DdbCounter => {
  let counts = emptyCounts();
  const split: SplitTracker = trackSplit();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Obj;
      if (CAPACITY.has(command) && input.ReturnConsumedCapacity === undefined)
        input.ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'serialize', name: 'fleetstreamBenchDdbCapacity', priority: 'high', override: true },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Obj;
      try {
        const result = await next(args);
        tally(counts, command, input, result.output, WRITES.has(command) ? split.written(command, input) : 0);
        if (!WRITES.has(command)) split.read(command, input, result.output);
        return result;
      } catch (error) {
        const metadata = obj(obj(error).$metadata);
        // A request DynamoDB answered (e.g. a failed condition) was still a request; a network error was not.
        if (typeof metadata.httpStatusCode === 'number') tally(counts, command, input, undefined);
        throw error;
      }
    },
    { step: 'build', name: 'fleetstreamBenchDdbCounter', priority: 'high', override: true },
  );
  return {
    counts: () => ({ ...counts }),
    split: () => split.split(),
    reset: () => {
      counts = emptyCounts();
      split.reset();
    },
  };
};
