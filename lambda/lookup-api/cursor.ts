import { badRequest } from './http.ts';

/** A DynamoDB key of string attributes: what LastEvaluatedKey holds for the state table and its GSIs. */
export type PageKey = Record<string, string>;

// The longest legitimate key (256 four-byte characters in a model, 128 in a device id) is about 2,800 characters here.
const MAX_CURSOR_CHARS = 4096;
// Every key this API pages over is built from record fields (ids <= 128, text fields <= 256 characters) plus a short
// prefix, so a longer value (or one DynamoDB cannot store) is forged: refuse it rather than let DynamoDB answer 500.
// Characters are code points, as in the record contract.
const MAX_KEY_VALUE_CHARS = 300;
const MAX_KEY_VALUE_BYTES = 1024;
const NON_PRINTABLE = /\p{C}/u;

const validKeyValue = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length > 0 &&
  value.length <= 2 * MAX_KEY_VALUE_CHARS &&
  [...value].length <= MAX_KEY_VALUE_CHARS &&
  Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES &&
  !NON_PRINTABLE.test(value);

/** Opaque to clients: base64url of the JSON key. */
export const encodeCursor = (key: PageKey): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/**
 * Decodes a cursor and checks it has exactly the attributes the current query pages over, so a cursor from
 * another listing (or a hand-made one) is a 400, not a confusing DynamoDB error.
 */
export const decodeCursor = (raw: string, fields: readonly string[]): PageKey => {
  const invalid = () =>
    badRequest('cursor is invalid for this query; use the cursor returned by the previous page');
  if (raw.length === 0 || raw.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed);
  if (entries.length !== fields.length) throw invalid();
  // Rebuilt from the expected field names (a null-prototype object): a forged `__proto__` key cannot reach DynamoDB.
  const key: PageKey = Object.create(null);
  for (const [name, value] of entries) {
    if (!fields.includes(name) || !validKeyValue(value)) throw invalid();
    key[name] = value;
  }
  return key;
};
