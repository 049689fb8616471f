import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseRegistryFile } from '#scripts/shared/registry-rows.ts';

describe('registry file parsing', () => {
  it('reads the sample CSV, with quoted commas and quotes', async () => {
    const { rows, errors } = parseRegistryFile(await readFile('test/fixtures/registry.csv', 'utf8'), 'csv');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(5);
    expect(rows[1]).toEqual({
      deviceId: 'dvc0002',
      customer: 'Globex, Inc.',
      site: 'Springfield',
      region: 'us-east',
      tier: 'gold',
    });
    expect(rows[3]?.site).toBe('Raccoon City "Lab"');
  });

  it('reports every bad CSV row with its line number', () => {
    const text = 'deviceId,tier\r\nd1,gold\r\n,silver\r\nd3\r\nd4,a,b\r\nd1,bronze\r\n';
    expect(parseRegistryFile(text, 'csv').errors).toEqual([
      'line 3: missing deviceId',
      'line 4: expected 2 fields, got 1',
      'line 5: expected 2 fields, got 3',
      'duplicate deviceId "d1"',
    ]);
  });

  it('counts lines inside quoted fields and rejects a header without deviceId', () => {
    expect(csvRecords('a,b\n"x\ny",z\nq,r\n').map((r) => r.line)).toEqual([1, 2, 4]);
    expect(parseRegistryFile('name,tier\nx,y\n', 'csv').errors).toEqual([
      'line 1: header has no deviceId column',
    ]);
    expect(parseRegistryFile('deviceId\n"open\n', 'csv').errors).toEqual([
      'line 2: unterminated quoted field',
    ]);
  });

  it('reads a JSON array; numbers become strings; bad items are reported by index', () => {
    expect(parseRegistryFile('[{"deviceId":"d1","tier":"gold","seats":3}]', 'json')).toEqual({
      rows: [{ deviceId: 'd1', tier: 'gold', seats: '3' }],
      errors: [],
    });
    expect(parseRegistryFile('[{"tier":"x"},5,{"deviceId":"d2","tags":["a"]}]', 'json').errors).toEqual([
      'item 0: missing deviceId',
      'item 1: not an object',
      'item 2: attribute "tags" must be a string',
    ]);
    expect(parseRegistryFile('{"deviceId":"d1"}', 'json').errors).toEqual([
      'JSON must be an array of device objects',
    ]);
  });
});

describe('registry rows out of bounds', () => {
  it('rejects oversized rows, too many attributes and reserved column names, each with a clear message', () => {
    const wide = Array.from({ length: 33 }, (_, i) => `a${i}`);
    const csv = `deviceId,tier,note\nd1,gold,${'x'.repeat(4100)}\nd2,gold,short\n`;
    expect(parseRegistryFile(csv, 'csv')).toMatchObject({
      rows: [{ deviceId: 'd2' }],
      errors: ['line 2: 4112 bytes of attributes, more than 4096'],
    });
    expect(parseRegistryFile(`deviceId,${wide.join(',')}\nd1,${wide.join(',')}\n`, 'csv').errors).toEqual([
      'line 2: 33 attributes, more than 32',
    ]);
    expect(parseRegistryFile('deviceId,constructor\nd1,x\n', 'csv').errors).toEqual([
      'line 1: header: attribute name "constructor" is reserved',
    ]);
    expect(
      parseRegistryFile('[{"deviceId":"d1","__proto__":"x"},{"deviceId":"d2","tier":"a\\ud800"}]', 'json')
        .errors,
    ).toEqual([
      'item 0: attribute name "__proto__" is reserved',
      'item 1: attribute "tier" has an unpaired surrogate',
    ]);
  });

  it('keeps prototype-named attributes as plain data in null-prototype rows', () => {
    const { rows, errors } = parseRegistryFile(
      '[{"deviceId":"toString","toString":"a","valueOf":"b"}]',
      'json',
    );
    expect(errors).toEqual([]);
    expect(rows[0] && Object.getPrototypeOf(rows[0])).toBeNull();
    expect({ ...rows[0] }).toEqual({ deviceId: 'toString', toString: 'a', valueOf: 'b' });
  });
});

describe('npm run registry:load with rows out of bounds', () => {
  it('lists each bad row with a clear message, loads nothing and exits 1 (before any connection)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    const file = join(dir, 'devices.csv');
    await writeFile(file, `deviceId,tier\nd1,${'x'.repeat(5000)}\nd2,gold\n`);
    const run = promisify(execFile)(
      'npx',
      ['tsx', 'scripts/load-registry.ts', '--file', file, '--local', '--endpoint', 'http://127.0.0.1:9'],
      { encoding: 'utf8' },
    );
    const failure = await run.then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    await rm(dir, { recursive: true, force: true });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`${file}: line 2: 5004 bytes of attributes, more than 4096`);
    expect(failure?.stderr).toContain('1 bad row(s); nothing loaded');
  }, 30_000);
});
