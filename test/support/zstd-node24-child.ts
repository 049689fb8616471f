/**
 * Run by test/unit/lambda/adapters/kafka-codec-zstd-node24.test.ts under the Node 24 binary (Lambda's runtime), never
 * by vitest. Usage: node zstd-node24-child.ts DIR COUNT. For i < COUNT it compresses DIR/i.bin with the real adapter
 * (→ i.native.zst) and decompresses DIR/i.wasm.zst (→ i.native.out), then prints a JSON report on stdout: whether this
 * Node has zstd in node:zlib and how the adapter called it (counted through node:zlib itself, so the report proves the
 * adapter took its native branch, not the WebAssembly fallback).
 */

import { readFile, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import zlib from 'node:zlib';

/** node:zlib's zstd (Node ≥ 22.15), missing from the Node 20 types this project compiles against. */
type NativeZstd = {
  zstdCompressSync(input: Buffer, options?: { params?: Record<number, number> }): Buffer;
  zstdDecompressSync(input: Buffer): Buffer;
};

export type ZstdChildReport = {
  node: string;
  nativeZstd: boolean;
  /** The compression level the adapter passed on each zstdCompressSync call (null: none given). */
  compressLevels: (number | null)[];
  decompressCalls: number;
};

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);
if (dir === undefined || !Number.isInteger(count) || count < 0) {
  process.stderr.write('usage: node zstd-node24-child.ts DIR COUNT\n');
  process.exit(2);
}

const report: ZstdChildReport = {
  node: process.version,
  nativeZstd: false,
  compressLevels: [],
  decompressCalls: 0,
};
const zstd = zlib as unknown as Partial<NativeZstd>;
const { zstdCompressSync, zstdDecompressSync } = zstd;
const levelParam = (zlib.constants as Record<string, number | undefined>).ZSTD_c_compressionLevel;

if (typeof zstdCompressSync === 'function' && typeof zstdDecompressSync === 'function') {
  report.nativeZstd = true;
  // Wrap the CommonJS exports, then push them into the ESM namespace the adapter imports (`import * as zlib`).
  zstd.zstdCompressSync = (input, options) => {
    report.compressLevels.push(levelParam === undefined ? null : (options?.params?.[levelParam] ?? null));
    return zstdCompressSync(input, options);
  };
  zstd.zstdDecompressSync = (input) => {
    report.decompressCalls += 1;
    return zstdDecompressSync(input);
  };
  syncBuiltinESMExports();

  const { zstdCompress, zstdDecompress } = await import('#adapters/kafka-codec-zstd.ts');
  for (let i = 0; i < count; i += 1) {
    await writeFile(join(dir, `${i}.native.zst`), await zstdCompress(await readFile(join(dir, `${i}.bin`))));
    await writeFile(join(dir, `${i}.native.out`), zstdDecompress(await readFile(join(dir, `${i}.wasm.zst`))));
  }
}
process.stdout.write(JSON.stringify(report));
