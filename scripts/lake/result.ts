/**
 * A query's answer as both engines give it, before printing: column names with the engine's type name, and every
 * cell as text (NULL as null). Athena answers text only; DuckDB's values are turned into the same text.
 */
export interface ResultColumn {
  readonly name: string;
  /** The engine's type name, lower case (`bigint`, `double`, `varchar`, `decimal(18,3)` …). */
  readonly type: string;
}

export type Cell = string | null;

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Cell[])[];
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint', 'hugeint', 'utinyint']);
const UNSIGNED = /^u(small|big|huge)?int$|^uinteger$/;
const FLOAT_TYPES = new Set(['double', 'real', 'float']);

export type CellKind = 'integer' | 'float' | 'decimal' | 'text';

/** How a column's cells print: numbers align right and become JSON numbers; the rest is text. */
export const cellKind = (type: string): CellKind => {
  const t = type.toLowerCase();
  if (INTEGER_TYPES.has(t) || UNSIGNED.test(t)) return 'integer';
  if (FLOAT_TYPES.has(t)) return 'float';
  if (t.startsWith('decimal')) return 'decimal';
  return 'text';
};

/**
 * One spelling of a floating-point cell whichever engine printed it (Athena `73.0`, `1.0E-4`; DuckDB `73`): the
 * shortest text that reads back as the same double. NaN and infinities keep the engine's text.
 */
export const canonicalCell = (kind: CellKind, text: Cell): Cell => {
  if (text === null || kind !== 'float') return text;
  const value = Number(text);
  return Number.isFinite(value) ? String(value) : text;
};
