import { describe, expect, it } from 'vitest';
import { emptyEvents, floors } from '#scripts/bench/floor.ts';
import { trackSplit } from '#scripts/bench/unit-split.ts';

const s = (v: string) => ({ S: v });
const n = (v: number) => ({ N: String(v) });
const device = (id: string, status: string) => ({ pk: s(`DEVICE#${id}`), sk: s('STATE'), status: s(status) });
const records = (partition: number, offset: number) => ({
  pk: s('FLEET'),
  sk: s(`RECORDS#t#${partition}`),
  offset: n(offset),
});
const window = (id: string, minute: string) => ({ pk: s(`DEVICE#${id}`), sk: s(`WIN#${minute}`) });
const put = (Item: object, ConditionExpression = '#version = :version') => ({
  Put: { Item, ConditionExpression },
});

describe('write-unit floors from workload events', () => {
  it('strict: each needed item once, plus index entries; exactly-once: plus the atomic moves DynamoDB bills twice', () => {
    const events = {
      ...emptyEvents(),
      deviceBatches: 10,
      newDevices: 2,
      statusChanges: 1,
      closedMinutes: 3,
      closedInTransactions: 2,
      lateMinutes: 1,
      alerts: 1,
      partitionBatches: 4,
      atomicDevices: 5,
      counterWrites: 2,
      counterWritesWithRecords: 1,
    };
    // 10 + 3 + 1 + 4 + 2×2 + 2×1 + 2×1
    expect(floors(events).strict).toBe(26);
    // + 5 devices + 2 windows closed in transactions + 1 counter carrying records + 2 × 1 counter alone
    expect(floors(events).exactlyOnce).toBe(26 + 5 + 2 + 1 + 2);
    expect(floors(emptyEvents())).toEqual({ strict: 0, exactlyOnce: 0 });
  });

  it('counts the events from the writes: new devices, status changes, closes, late minutes, partitions, counters', () => {
    const t = trackSplit();
    // Batch 1: a new device counted with its partition's record counts, in one transaction.
    t.written('TransactWriteItemsCommand', {
      TransactItems: [put(device('a', 'up'), 'attribute_not_exists(pk)'), put(records(0, 9))],
    });
    // Batch 2: records on their own, the device unchanged, a late minute.
    t.written('PutItemCommand', { Item: records(0, 19), ConditionExpression: '#version = :version' });
    t.written('PutItemCommand', { Item: device('a', 'up'), ConditionExpression: '#version = :version' });
    t.written('PutItemCommand', { Item: window('a', '2026-01-01T00:00Z'), ConditionExpression: 'x' });
    // Batch 3: the device goes down and closes a minute; its counter carries no new records (already written).
    t.written('TransactWriteItemsCommand', {
      TransactItems: [put(device('a', 'down')), put(window('a', '2026-01-01T00:01Z')), put(records(0, 19))],
    });
    // Batch 4: a minute closed alone: the device, then the copy of its closed window (a first write, tagged).
    t.written('PutItemCommand', { Item: device('a', 'down'), ConditionExpression: '#version = :version' });
    t.written('PutItemCommand', {
      Item: { ...window('a', '2026-01-01T00:02Z'), closedAt: n(4) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    t.written('BatchWriteItemCommand', {
      RequestItems: { alerts: [{ PutRequest: { Item: { deviceId: s('a'), alertKey: s('k') } } }] },
    });
    expect(t.split().events).toEqual({
      deviceBatches: 4,
      newDevices: 1,
      statusChanges: 1,
      closedMinutes: 2,
      closedInTransactions: 1,
      lateMinutes: 1,
      alerts: 1,
      partitionBatches: 2,
      atomicDevices: 2,
      counterWrites: 2,
      counterWritesWithRecords: 1,
    });
  });
});
