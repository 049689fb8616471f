import { describe, expect, it } from 'vitest';
import { billedWriteUnits, itemBytes, valueBytes } from '#scripts/bench/item-size.ts';

describe('DynamoDB item size (Developer Guide rules)', () => {
  it('sizes scalars: UTF-8 strings, numbers by significant digits, booleans and nulls 1 byte', () => {
    expect(valueBytes({ S: 'héllo' })).toBe(6);
    expect(valueBytes({ N: '12345' })).toBe(4); // 3 bytes for 5 digits + 1
    expect(valueBytes({ N: '-0.001200' })).toBe(2); // leading/trailing zeroes trimmed: "12"
    expect(valueBytes({ BOOL: true })).toBe(1);
    expect(valueBytes({ NULL: true })).toBe(1);
    expect(valueBytes({ B: Buffer.from('abc').toString('base64') })).toBe(3);
  });
  it('adds 3 bytes per list or map and 1 per element', () => {
    expect(valueBytes({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + (1 + 2) + (1 + 2));
    expect(valueBytes({ M: { a: { S: 'xy' } } })).toBe(3 + 1 + 1 + 2);
    expect(itemBytes({ pk: { S: 'dvc1' }, count: { N: '10' } })).toBe(2 + 4 + 5 + 2);
  });
  it('bills 1 unit per started KB, 2 in a transaction, at least 1', () => {
    const kb = (n: number) => ({ pk: { S: 'x'.repeat(n - 2) } }); // name "pk" is 2 bytes
    expect(billedWriteUnits('PutItemCommand', { Item: kb(1024) }, {})).toBe(1);
    expect(billedWriteUnits('PutItemCommand', { Item: kb(1025) }, {})).toBe(2);
    expect(
      billedWriteUnits('TransactWriteItemsCommand', { TransactItems: [{ Put: { Item: kb(10) } }] }, {}),
    ).toBe(2);
    const batch = {
      RequestItems: { t: [{ PutRequest: { Item: kb(2000) } }, { PutRequest: { Item: kb(10) } }] },
    };
    const unprocessed = { UnprocessedItems: { t: [{ PutRequest: { Item: kb(10) } }] } };
    expect(billedWriteUnits('BatchWriteItemCommand', batch, unprocessed)).toBe(2);
    expect(billedWriteUnits('UpdateItemCommand', {}, {})).toBe(1);
  });
});
