/**
 * DynamoDB item sizes as AWS counts them against its limits and bills them, from wire-level AttributeValue maps
 * ("DynamoDB item sizes and formats", Developer Guide): names + values, numbers 1 byte per two significant digits + 1,
 * lists and maps 3 bytes + 1 per element. `documentItemBytes` measures a plain item the way the document client
 * sends it (marshalled), e.g. to keep a transaction under its 4 MB limit.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { DOCUMENT_MARSHALL_OPTIONS } from './marshall-options.ts';

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

/** Bytes of a plain (document client) item once marshalled. */
export const documentItemBytes = (item: object): number =>
  itemBytes(marshall(item, DOCUMENT_MARSHALL_OPTIONS));
