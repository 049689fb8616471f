import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * DynamoDB Local keeps its tables in one SQLite file and never chooses a journal mode, so SQLite's default (a rollback
 * journal) applies: several disk syncs per item written. On a disk where a sync costs milliseconds that alone capped
 * DynamoDB Local near 60–80 item writes/s here (issue 22), against ~1,500/s on tmpfs. In write-ahead-log mode a
 * write costs one sync of the log and stays just as durable (SQLite's default `synchronous=FULL` still holds, and a
 * killed process loses nothing it acknowledged), so the data file still survives restarts as DESIGN.md asks.
 *
 * The journal mode is stored in the file's header (bytes 18–19: 1 = rollback journal, 2 = WAL), so a data file made
 * in WAL mode stays in it. DynamoDB Local with `-sharedDb` uses `shared-local-instance.db`; when that file does not
 * exist yet, this writes an empty SQLite database in WAL mode for DynamoDB Local to create its tables in. An existing
 * file is left as it is (a state folder from before keeps its rollback journal until `npm start -- --reset`).
 */

export const DYNAMODB_LOCAL_DB_FILE = 'shared-local-instance.db';

const PAGE_SIZE = 4096;
/** The header's journal-mode bytes: 2 = write-ahead log. */
export const WAL_FORMAT = 2;

/**
 * An empty SQLite database of one 4 KB page in WAL mode, byte for byte what SQLite writes for
 * `PRAGMA journal_mode=WAL` on a new file (https://www.sqlite.org/fileformat2.html, "The Database Header").
 */
export const emptyWalDatabase = (): Buffer => {
  const page = Buffer.alloc(PAGE_SIZE);
  page.write('SQLite format 3\0', 0, 'latin1');
  page.writeUInt16BE(PAGE_SIZE, 16);
  page[18] = WAL_FORMAT; // file format write version
  page[19] = WAL_FORMAT; // file format read version
  page[21] = 64; // maximum embedded payload fraction (fixed by the format)
  page[22] = 32; // minimum embedded payload fraction
  page[23] = 32; // leaf payload fraction
  page.writeUInt32BE(1, 24); // file change counter
  page.writeUInt32BE(1, 28); // database size in pages
  page.writeUInt32BE(1, 92); // version-valid-for: the change counter the size above belongs to
  page.writeUInt32BE(3_040_001, 96); // SQLITE_VERSION_NUMBER of the writer (informational)
  page[100] = 0x0d; // page 1: an empty table b-tree leaf (the schema table) …
  page.writeUInt16BE(PAGE_SIZE, 105); // … whose cell content area starts at the page's end
  return page;
};

/** Before DynamoDB Local's first start on `dataDir`: its data file begins in WAL mode. Returns whether it wrote one. */
export const prepareWalDataFile = async (dataDir: string): Promise<boolean> => {
  const file = join(dataDir, DYNAMODB_LOCAL_DB_FILE);
  if (existsSync(file)) return false;
  await writeFile(file, emptyWalDatabase(), { flag: 'wx' });
  return true;
};
