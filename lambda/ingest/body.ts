/**
 * A posted body → the records to produce, each as the exact text the client sent (never re-serialized) and keyed by
 * its `deviceid` when that is a non-empty string. Accepts a JSON array of objects or NDJSON (one object per line,
 * blank lines ignored). Only the shape is checked here: whether a record is valid telemetry is the processor's call.
 */
import { INGEST_MAX_BYTES, INGEST_MAX_RECORDS } from '#core/contract/index.ts';

export interface IngestRecord {
  /** The record's text exactly as posted (UTF-8 when produced). */
  readonly value: string;
  readonly key: string | null;
}

export type ParsedBody =
  | { readonly ok: true; readonly records: readonly IngestRecord[] }
  | { readonly ok: false; readonly status: 400 | 413; readonly reason: string };

const reject = (status: 400 | 413, reason: string): ParsedBody => ({ ok: false, status, reason });

const tooMany = (): ParsedBody =>
  reject(413, `more than ${INGEST_MAX_RECORDS} records in one request; split the batch`);

/** Top-level element slices of a JSON array body, or a reason it is not one. */
const arrayElements = (text: string): string[] | string => {
  const elements: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth === 1) start = i + 1;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth < 0) return 'unbalanced brackets';
      if (depth === 0) {
        elements.push(text.slice(start, i));
        if (text.slice(i + 1).trim() !== '') return 'text after the closing ]';
        return elements.length === 1 && elements[0]?.trim() === '' ? [] : elements;
      }
    } else if (c === 0x2c && depth === 1) {
      elements.push(text.slice(start, i));
      start = i + 1;
      if (elements.length > INGEST_MAX_RECORDS) return elements;
    }
  }
  return inString ? 'unterminated string' : 'unterminated array';
};

/** One element or line → a record, or why it is not a JSON object. */
const toRecord = (raw: string, where: string): IngestRecord | string => {
  const value = raw.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return `${where} is not valid JSON`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return `${where} is not a JSON object`;
  const deviceId = (parsed as { deviceid?: unknown }).deviceid;
  return { value, key: typeof deviceId === 'string' && deviceId !== '' ? deviceId : null };
};

const toRecords = (pieces: readonly string[], noun: 'record' | 'line'): ParsedBody => {
  if (pieces.length === 0) return reject(400, 'no records: post a JSON array or NDJSON of telemetry objects');
  if (pieces.length > INGEST_MAX_RECORDS) return tooMany();
  const records: IngestRecord[] = [];
  for (const [i, piece] of pieces.entries()) {
    const record = toRecord(piece, `${noun} ${i + 1}`);
    if (typeof record === 'string') return reject(400, `${record}; nothing was written`);
    records.push(record);
  }
  return { ok: true, records };
};

/** Parses a body of at most {@link INGEST_MAX_BYTES} bytes into at most {@link INGEST_MAX_RECORDS} records. */
export const parseIngestBody = (body: string | null): ParsedBody => {
  if (body === null || body.trim() === '')
    return reject(400, 'empty body: post a JSON array or NDJSON of telemetry objects');
  if (Buffer.byteLength(body, 'utf8') > INGEST_MAX_BYTES)
    return reject(413, `body larger than ${INGEST_MAX_BYTES} bytes; split the batch`);
  if (body.trimStart().startsWith('[')) {
    const elements = arrayElements(body);
    if (typeof elements === 'string') return reject(400, `not a JSON array: ${elements}`);
    return toRecords(elements, 'record');
  }
  const lines = body.split('\n').filter((line) => line.trim() !== '');
  return toRecords(lines, 'line');
};
