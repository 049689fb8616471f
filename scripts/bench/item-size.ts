/**
 * Write units as AWS bills them, from the items a request carries (wire-level AttributeValue maps). DynamoDB Local
 * reports consumed capacity, but not as AWS bills it: a transaction's items cost 2 units per KB in AWS and Local
 * reports them at 1 or less. The bench takes the larger of Local's report and this estimate, per request.
 *
 * Sizes follow "DynamoDB item sizes and formats" (Developer Guide): names + values, numbers 1 byte per two
 * significant digits + 1, lists and maps 3 bytes + 1 per element. A put is billed on the item written; AWS bills the
 * larger of the old and new image, which this cannot see (FleetStream's items only grow or stay the same size).
 */
export type Obj = Record<string, unknown>;
/** A wire-level value as an object, or {} when it is not one (absent outputs, missing members). */
export const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

const numberBytes = (n: string): number => {
  const digits = n
    .replace(/^[-+]/, '')
    .replace('.', '')
    .replace(/e.*$/i, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

/** Bytes of one AttributeValue (without its name). */
export const valueBytes = (value: unknown): number => {
  const [type, v] = Object.entries(obj(value))[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(v));
    case 'N':
      return numberBytes(String(v));
    case 'B':
      return v instanceof Uint8Array ? v.byteLength : Buffer.from(String(v), 'base64').byteLength;
    case 'SS':
      return (v as string[]).reduce((s, x) => s + utf8(x), 0);
    case 'NS':
      return (v as string[]).reduce((s, x) => s + numberBytes(x), 0);
    case 'L':
      return 3 + (v as unknown[]).reduce<number>((s, x) => s + 1 + valueBytes(x), 0);
    case 'M':
      return 3 + itemBytes(v, 1);
    default: // BOOL, NULL
      return 1;
  }
};

/** Bytes of an item (or a map's contents, with `perElement` overhead per attribute). */
export const itemBytes = (item: unknown, perElement = 0): number =>
  Object.entries(obj(item)).reduce((s, [name, value]) => s + perElement + utf8(name) + valueBytes(value), 0);

/** 1 write unit per started KB, at least 1. */
const unitsOf = (item: unknown): number => Math.max(1, Math.ceil(itemBytes(item) / 1024));

/** Write units AWS bills for one write request (transactions 2 per KB), as far as its input shows. */
export const billedWriteUnits = (command: string, input: unknown, output: unknown): number => {
  const i = obj(input);
  if (command === 'PutItemCommand') return unitsOf(i.Item);
  if (command === 'TransactWriteItemsCommand')
    return (Array.isArray(i.TransactItems) ? i.TransactItems : []).reduce<number>(
      (s, t) => s + 2 * unitsOf(obj(obj(t).Put).Item),
      0,
    );
  if (command === 'BatchWriteItemCommand') {
    const requested = Object.values(obj(i.RequestItems)).flat();
    const unprocessed = Object.values(obj(obj(output).UnprocessedItems)).flat();
    const units = (requests: unknown[]) =>
      requests.reduce<number>((s, r) => s + unitsOf(obj(obj(r).PutRequest).Item), 0);
    return units(requested) - units(unprocessed);
  }
  return 1; // UpdateItem, DeleteItem: the item's size is not in the request
};
