import { MAX_DEVICE_ID_LENGTH, MAX_TEXT_FIELD_LENGTH, parseEventTime } from '#core/record.ts';
import { isRuleId, RULE_ID_REASON } from '#core/rules.ts';
import { badRequest } from './http.ts';

// The record contract (README "Record format", lambda/core/record.ts): ids are 1-128 printable characters (no Unicode "other"
// category: controls, format characters, unpaired surrogates...). Statuses and models are record text fields.
const NON_PRINTABLE = /\p{C}/u;

const isPrintable = (raw: string, maxLength: number): boolean => {
  const length = [...raw].length;
  return length >= 1 && length <= maxLength && !NON_PRINTABLE.test(raw);
};

const printable = (name: string, raw: string, maxLength: number): string => {
  if (!isPrintable(raw, maxLength)) throw badRequest(`${name} must be 1-${maxLength} printable characters`);
  return raw;
};

/** A device id as the record contract allows it (also what a listing cursor may carry). */
export const isDeviceId = (raw: string): boolean => isPrintable(raw, MAX_DEVICE_ID_LENGTH);

export const parseDeviceId = (raw: string): string => printable('deviceId', raw, MAX_DEVICE_ID_LENGTH);

export const parseToken = (name: string, raw: string, maxLength = MAX_TEXT_FIELD_LENGTH): string =>
  printable(name, raw, maxLength);

// Query-string times: ISO 8601 with a zone (parsed by the record contract's own parser), seconds optional. A space
// stands for '+' because form decoding turns an unencoded '+' in a query string into one.
const QUERY_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+\- ]\d{2}:\d{2})$/;

/** Parses an ISO 8601 timestamp with a zone into epoch ms; rejects impossible dates rather than rolling them over. */
export const parseIsoTime = (name: string, raw: string): number => {
  const match = QUERY_TIME.exec(raw);
  const epochMs = match
    ? parseEventTime(`${match[1]}${match[2] ?? ':00'}${match[3]?.replace(' ', '+')}`)
    : null;
  if (epochMs === null) {
    throw badRequest(
      `${name} must be an ISO 8601 time with a zone, e.g. 2026-11-21T10:15:00Z (got "${raw}")`,
    );
  }
  return epochMs;
};

export interface LimitRange {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

const DEFAULT_LIMIT: LimitRange = { min: 1, max: 100, fallback: 25 };

export const parseLimit = (raw: string | undefined, range: LimitRange = DEFAULT_LIMIT): number => {
  if (raw === undefined) return range.fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < range.min || Number(raw) > range.max)
    throw badRequest(`limit must be an integer from ${range.min} to ${range.max}`);
  return Number(raw);
};

/** A rule id from a path, as the core's validateRule accepts it: also what DELETE takes. */
export const parseRuleId = (raw: string): string => {
  if (!isRuleId(raw)) throw badRequest(RULE_ID_REASON);
  return raw;
};
