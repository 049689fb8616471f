/** A string as a standard SQL string literal (quotes doubled), as both DuckDB and Athena (Trino) read it. */
export const sqlStringLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;
