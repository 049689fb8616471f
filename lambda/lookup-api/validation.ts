import { MAX_DEVICE_ID_LENGTH, MAX_TEXT_FIELD_LENGTH } from '#core/record.ts';
import { badRequest } from './http.ts';

// The record contract (DESIGN.md, lambda/core/record.ts): ids are 1-128 printable characters (no Unicode "other"
// category: controls, format characters, unpaired surrogates...). Statuses and models are record text fields.
const NON_PRINTABLE = /\p{C}/u;

const printable = (name: string, raw: string, maxLength: number): string => {
  const length = [...raw].length;
  if (length < 1 || length > maxLength || NON_PRINTABLE.test(raw)) {
    throw badRequest(`${name} must be 1-${maxLength} printable characters`);
  }
  return raw;
};

export const parseDeviceId = (raw: string): string => printable('deviceId', raw, MAX_DEVICE_ID_LENGTH);

export const parseToken = (name: string, raw: string, maxLength = MAX_TEXT_FIELD_LENGTH): string =>
  printable(name, raw, maxLength);

// ISO 8601 with a zone, seconds and fractions optional. A space stands for '+' because form decoding turns
// an unencoded '+' in a query string into one.
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:\d{2})$/;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Parses an ISO 8601 timestamp with a zone into epoch ms; rejects impossible dates rather than rolling them over. */
export const parseIsoTime = (name: string, raw: string): number => {
  const match = ISO.exec(raw);
  const fail = () =>
    badRequest(`${name} must be an ISO 8601 time with a zone, e.g. 2026-11-21T10:15:00Z (got "${raw}")`);
  if (!match) throw fail();
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    throw fail();
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) throw fail();
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
};

export interface LimitRange {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

export const DEFAULT_LIMIT: LimitRange = { min: 1, max: 100, fallback: 25 };

export const parseLimit = (raw: string | undefined, range: LimitRange = DEFAULT_LIMIT): number => {
  if (raw === undefined) return range.fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < range.min || Number(raw) > range.max)
    throw badRequest(`limit must be an integer from ${range.min} to ${range.max}`);
  return Number(raw);
};
