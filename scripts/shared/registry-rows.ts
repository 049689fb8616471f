/**
 * Parses a device registry file (CSV with a header row, or a JSON array of objects) into registry rows:
 * `deviceId` plus string attributes. Every bad row is reported with its line (CSV) or index (JSON), including rows
 * out of the registry's bounds (attribute count, bytes, reserved names: lambda/core/registry.ts).
 */
import { nullMap } from '#core/data-map.ts';
import { attributeNameProblem, registryProblem } from '#core/registry.ts';

export type RegistryRow = { deviceId: string } & Record<string, string>;

/** A null-prototype row: column names are data, never inherited members. */
const newRow = (deviceId: string): RegistryRow => {
  const row = nullMap<string>();
  row.deviceId = deviceId;
  return row as RegistryRow;
};

/** Why the row's attributes (everything but deviceId) are out of bounds, or null. */
const rowProblem = (row: RegistryRow): string | null => {
  const attributes = nullMap<string>();
  for (const [name, value] of Object.entries(row)) if (name !== 'deviceId') attributes[name] = value;
  return registryProblem(attributes);
};

export interface ParsedRegistry {
  rows: RegistryRow[];
  errors: string[];
}

const NON_PRINTABLE = /\p{C}/u;

const checkDeviceId = (id: unknown): string | null => {
  if (typeof id !== 'string' || id.length === 0) return 'missing deviceId';
  if ([...id].length > 128) return 'deviceId longer than 128 characters';
  if (NON_PRINTABLE.test(id)) return 'deviceId has non-printable characters';
  return null;
};

/** RFC 4180 fields: quoted fields may hold commas, doubled quotes and newlines. Returns [line, fields][]. */
export const csvRecords = (text: string): { line: number; fields: string[] }[] => {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const end = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
    fields = [];
    field = '';
    startLine = line;
  };
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      line++;
      end();
    } else field += c;
  }
  if (quoted) throw new Error(`line ${startLine}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) end();
  return records;
};

const isDeviceIdColumn = (name: string) => name === 'deviceId' || name === 'deviceid';

const parseCsvRegistry = (text: string): ParsedRegistry => {
  const [header, ...records] = csvRecords(text);
  if (!header) return { rows: [], errors: ['file is empty'] };
  const columns = header.fields.map((c) => c.trim());
  const idColumn = columns.findIndex(isDeviceIdColumn);
  if (idColumn < 0) return { rows: [], errors: [`line ${header.line}: header has no deviceId column`] };
  const badColumn = columns
    .filter((c, i) => i !== idColumn && c !== '')
    .map(attributeNameProblem)
    .find((p) => p !== null);
  if (badColumn) return { rows: [], errors: [`line ${header.line}: header: ${badColumn}`] };
  const rows: RegistryRow[] = [];
  const errors: string[] = [];
  for (const { line, fields } of records) {
    if (fields.length !== columns.length) {
      errors.push(`line ${line}: expected ${columns.length} fields, got ${fields.length}`);
      continue;
    }
    const deviceId = fields[idColumn]?.trim() ?? '';
    const problem = checkDeviceId(deviceId);
    if (problem) {
      errors.push(`line ${line}: ${problem}`);
      continue;
    }
    const row = newRow(deviceId);
    columns.forEach((column, i) => {
      const value = fields[i] ?? '';
      if (i !== idColumn && column !== '' && value !== '') row[column] = value;
    });
    const outOfBounds = rowProblem(row);
    if (outOfBounds) errors.push(`line ${line}: ${outOfBounds}`);
    else rows.push(row);
  }
  return { rows, errors };
};

const parseJsonRegistry = (text: string): ParsedRegistry => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { rows: [], errors: [`not JSON: ${(error as Error).message}`] };
  }
  if (!Array.isArray(doc)) return { rows: [], errors: ['JSON must be an array of device objects'] };
  const rows: RegistryRow[] = [];
  const errors: string[] = [];
  doc.forEach((entry: unknown, index) => {
    const where = `item ${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`${where}: not an object`);
      return;
    }
    const fields = entry as Record<string, unknown>;
    const deviceId = fields.deviceId ?? fields.deviceid;
    const problem = checkDeviceId(deviceId);
    if (problem) {
      errors.push(`${where}: ${problem}`);
      return;
    }
    const row = newRow(deviceId as string);
    for (const [name, value] of Object.entries(fields)) {
      if (isDeviceIdColumn(name)) continue;
      if (typeof value === 'string') row[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') row[name] = String(value);
      else if (value !== null) {
        errors.push(`${where}: attribute "${name}" must be a string`);
        return;
      }
    }
    const outOfBounds = rowProblem(row);
    if (outOfBounds) errors.push(`${where}: ${outOfBounds}`);
    else rows.push(row);
  });
  return { rows, errors };
};

/** Parses by content: a JSON array when it starts with `[`, CSV otherwise. Duplicate device ids are errors. */
export const parseRegistryFile = (text: string, kind: 'csv' | 'json'): ParsedRegistry => {
  let parsed: ParsedRegistry;
  try {
    parsed = kind === 'json' ? parseJsonRegistry(text) : parseCsvRegistry(text);
  } catch (error) {
    return { rows: [], errors: [(error as Error).message] };
  }
  const seen = new Set<string>();
  for (const row of parsed.rows) {
    if (seen.has(row.deviceId)) parsed.errors.push(`duplicate deviceId "${row.deviceId}"`);
    seen.add(row.deviceId);
  }
  return parsed;
};
