import { describe, expect, it } from 'vitest';
import { kindOf, trackSplit } from '#scripts/bench/unit-split.ts';

const s = (v: string) => ({ S: v });
const device = (id: string, status: string, pad = 0) => ({
  pk: s(`DEVICE#${id}`),
  sk: s('STATE'),
  status: s(status),
  blob: s('x'.repeat(pad)),
});

describe('unit split by item kind', () => {
  it('names each kind from its keys', () => {
    expect(kindOf(device('a', 'up'))).toBe('device');
    expect(kindOf({ pk: s('DEVICE#a'), sk: s('WIN#2026-01-01T00:00Z') })).toBe('window');
    expect(kindOf({ pk: s('FLEET#03'), sk: s('DEVICES#03') })).toBe('fleet');
    expect(kindOf({ deviceId: s('a'), alertKey: s('t#1') })).toBe('alert');
    expect(kindOf({ deviceId: s('a') })).toBe('other');
  });

  it('bills writes per KB, transactions twice, and index writes for new devices and status changes', () => {
    const t = trackSplit();
    const created = { Item: device('a', 'up', 1100), ConditionExpression: 'attribute_not_exists(pk)' };
    t.written('PutItemCommand', created);
    t.written('PutItemCommand', { Item: device('a', 'up'), ConditionExpression: '#version = :version' });
    t.written('TransactWriteItemsCommand', {
      TransactItems: [
        { Put: { Item: device('a', 'down'), ConditionExpression: '#version = :version' } },
        { Put: { Item: { pk: s('FLEET#01'), sk: s('DEVICES#01') } } },
      ],
    });
    t.written('BatchWriteItemCommand', {
      RequestItems: { alerts: [{ PutRequest: { Item: { deviceId: s('a'), alertKey: s('k') } } }] },
    });
    const split = t.split();
    // 2 units (1.1 KB) + 1 + 2 (in a transaction)
    expect(split.wcu.device).toBe(5);
    expect(split.wcu.fleet).toBe(2);
    expect(split.wcu.alert).toBe(1);
    // new device: both GSIs; same status: none; up → down: byStatus delete + put; alert: byDay
    expect(split.wcu.index).toBe(2 + 2 + 1);
    expect(split.writtenBytes.device).toHaveLength(3);
    expect(split.writtenBytes.device[0]).toBeGreaterThan(1024);
  });

  it('bills reads per key asked: found items by 4 KB, absent ones 1, eventually consistent at half', () => {
    const t = trackSplit();
    const big = { ...device('a', 'up', 5000) };
    t.read(
      'BatchGetItemCommand',
      {
        RequestItems: {
          state: {
            Keys: [
              { pk: s('DEVICE#a'), sk: s('STATE') },
              { pk: s('DEVICE#a'), sk: s('WIN#m') },
            ],
            ConsistentRead: true,
          },
        },
      },
      { Responses: { state: [big] } },
    );
    t.read(
      'BatchGetItemCommand',
      {
        RequestItems: {
          state: {
            Keys: [
              { pk: s('FLEET#01'), sk: s('DEVICES#01') },
              { pk: s('FLEET#02'), sk: s('DEVICES#02') },
            ],
          },
        },
      },
      {
        Responses: { state: [] },
        UnprocessedKeys: { state: { Keys: [{ pk: s('FLEET#02'), sk: s('DEVICES#02') }] } },
      },
    );
    const split = t.split();
    expect(split.rcu.device).toBe(2);
    expect(split.rcu.window).toBe(1);
    expect(split.rcu.fleet).toBe(0.5);
  });
});
