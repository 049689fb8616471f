import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DYNAMODB_LOCAL_DB_FILE,
  emptyWalDatabase,
  prepareWalDataFile,
  WAL_FORMAT,
} from '#scripts/local/services/dynamodb-wal.ts';

describe("DynamoDB Local's data file in WAL mode", () => {
  const dirs: string[] = [];
  afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));
  const scratch = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-wal-'));
    dirs.push(dir);
    return dir;
  };

  it('is an empty one-page SQLite database whose header says write-ahead log', () => {
    const db = emptyWalDatabase();
    expect(db.length).toBe(4096);
    expect(db.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(db.readUInt16BE(16)).toBe(4096);
    expect([db[18], db[19]]).toEqual([WAL_FORMAT, WAL_FORMAT]);
    expect([db[21], db[22], db[23]]).toEqual([64, 32, 32]);
    expect(db.readUInt32BE(28)).toBe(1); // one page …
    expect(db.readUInt32BE(92)).toBe(db.readUInt32BE(24)); // … and that size is valid for this change counter
    expect(db[100]).toBe(0x0d); // the schema table: an empty leaf table b-tree
    expect(db.readUInt16BE(103)).toBe(0); // no cells
  });

  it('writes it only where no data file exists, never over an existing one', async () => {
    const dir = await scratch();
    expect(await prepareWalDataFile(dir)).toBe(true);
    expect((await readFile(join(dir, DYNAMODB_LOCAL_DB_FILE))).equals(emptyWalDatabase())).toBe(true);

    const kept = await scratch();
    await writeFile(join(kept, DYNAMODB_LOCAL_DB_FILE), 'existing tables');
    expect(await prepareWalDataFile(kept)).toBe(false);
    expect(await readFile(join(kept, DYNAMODB_LOCAL_DB_FILE), 'utf8')).toBe('existing tables');
  });
});
