/**
 * Write units as AWS bills them, from the items a request carries (wire-level AttributeValue maps). DynamoDB Local
 * reports consumed capacity, but not as AWS bills it: a transaction's items cost 2 units per KB in AWS and Local
 * reports them at 1 or less. The bench takes the larger of Local's report and this estimate, per request.
 *
 * Sizes follow "DynamoDB item sizes and formats" (Developer Guide): names + values, numbers 1 byte per two
 * significant digits + 1, lists and maps 3 bytes + 1 per element. A put is billed on the item written; AWS bills the
 * larger of the old and new image, which this cannot see (FleetStream's items only grow or stay the same size).
 */
import { itemBytes, obj } from '#adapters/item-size.ts';

export { itemBytes, type Obj, obj, valueBytes } from '#adapters/item-size.ts';

/** 1 write unit per started KB, at least 1. */
export const writeUnitsOf = (item: unknown): number => Math.max(1, Math.ceil(itemBytes(item) / 1024));

/** Write units AWS bills for one write request (transactions 2 per KB), as far as its input shows. */
export const billedWriteUnits = (command: string, input: unknown, output: unknown): number => {
  const i = obj(input);
  if (command === 'PutItemCommand') return writeUnitsOf(i.Item);
  if (command === 'TransactWriteItemsCommand')
    return (Array.isArray(i.TransactItems) ? i.TransactItems : []).reduce<number>(
      (s, t) => s + 2 * writeUnitsOf(obj(obj(t).Put).Item),
      0,
    );
  if (command === 'BatchWriteItemCommand') {
    const requested = Object.values(obj(i.RequestItems)).flat();
    const unprocessed = Object.values(obj(obj(output).UnprocessedItems)).flat();
    const units = (requests: unknown[]) =>
      requests.reduce<number>((s, r) => s + writeUnitsOf(obj(obj(r).PutRequest).Item), 0);
    return units(requested) - units(unprocessed);
  }
  return 1; // UpdateItem, DeleteItem: the item's size is not in the request
};
