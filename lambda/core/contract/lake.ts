/** Prefixes of the data lake: Firehose writes them in AWS, the local runtime writes the same folders on disk. */
export const LAKE_PREFIX = {
  raw: 'raw/',
  rawErrors: 'raw-errors/',
  deadLetter: 'dead-letter/',
  deadLetterErrors: 'dead-letter-errors/',
  athenaResults: 'athena-results/',
} as const;

/** A prefix as a folder name (`raw/` → `raw`), for local paths. */
export const lakeFolder = (prefix: string): string => prefix.replace(/\/$/, '');
