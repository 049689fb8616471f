import { type Cell, cellKind, type QueryResult } from './result.ts';

/** Prints a query result the same way whichever engine answered: an aligned table, JSON or CSV. */

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const NULL_TEXT = 'NULL';

/** Columns and a `(N rows)` footer; numbers right-aligned; NULL spelled out (an empty string stays empty). */
export const formatTable = ({ columns, rows }: QueryResult): string => {
  const right = columns.map(({ type }) => cellKind(type) !== 'text');
  const shown = rows.map((row) => row.map((cell) => (cell === null ? NULL_TEXT : cell)));
  const widths = columns.map(({ name }, i) =>
    Math.max(name.length, ...shown.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join(' | ')
      .trimEnd();
  return [
    line(columns.map(({ name }) => name)),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...shown.map(line),
    `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`,
  ].join('\n');
};

/** A JSON number when the text is one exactly; otherwise the text (bigints past 2^53, NaN, decimals kept exact). */
const jsonValue = (type: string, cell: Cell): string | number | null => {
  if (cell === null) return null;
  const kind = cellKind(type);
  if (kind === 'text' || kind === 'decimal') return cell;
  const value = Number(cell);
  if (!Number.isFinite(value) || (kind === 'integer' && !Number.isSafeInteger(value))) return cell;
  return value;
};

/** A JSON array, one object per row (null-prototype: column names come from the query text). */
export const formatJson = ({ columns, rows }: QueryResult): string => {
  const objects = rows.map((row) => {
    const object: Record<string, string | number | null> = Object.create(null);
    columns.forEach(({ name, type }, i) => {
      object[name] = jsonValue(type, row[i] ?? null);
    });
    return JSON.stringify(object);
  });
  return objects.length === 0 ? '[]' : `[\n${objects.join(',\n')}\n]`;
};

const csvField = (cell: Cell): string => {
  if (cell === null) return '';
  return /[",\r\n]/.test(cell) || cell === '' ? `"${cell.replaceAll('"', '""')}"` : cell;
};

/** RFC 4180 quoting, a header line, `\n` line ends; NULL is an empty field, the empty string is `""`. */
export const formatCsv = ({ columns, rows }: QueryResult): string =>
  [columns.map(({ name }) => csvField(name)), ...rows.map((row) => row.map(csvField))]
    .map((fields) => fields.join(','))
    .join('\n');

export const formatResult = (result: QueryResult, format: OutputFormat): string => {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'json':
      return formatJson(result);
    case 'csv':
      return formatCsv(result);
  }
};
