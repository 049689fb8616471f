import * as zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';

/**
 * Kafka's zstd: plain zstd frames. Node ≥ 22.15 (Lambda's Node 24) has zstd in node:zlib; older Node (20, the
 * project's minimum) compresses with the official zstd compiled to WebAssembly (@bokuweb/zstd-wasm, the .wasm ships in
 * the npm package) and decompresses with fzstd (pure JS, reads the streamed frames without a content size that Java
 * producers write, which zstd-wasm's one-shot decoder cannot).
 */

/** Java's and librdkafka's default level. */
const LEVEL = 3;

type ZstdZlib = {
  zstdCompressSync(input: Buffer, options?: object): Buffer;
  zstdDecompressSync(input: Buffer): Buffer;
  constants: Record<string, number>;
};
const native =
  typeof (zlib as Partial<ZstdZlib>).zstdCompressSync === 'function'
    ? (zlib as unknown as ZstdZlib)
    : undefined;

let wasm: Promise<typeof import('@bokuweb/zstd-wasm')> | undefined;
const loadWasm = () => {
  wasm ??= import('@bokuweb/zstd-wasm').then(async (module) => {
    await module.init();
    return module;
  });
  return wasm;
};

export const zstdCompress = async (input: Buffer): Promise<Buffer> => {
  if (native) {
    const level = native.constants.ZSTD_c_compressionLevel;
    return native.zstdCompressSync(input, level === undefined ? {} : { params: { [level]: LEVEL } });
  }
  const out = (await loadWasm()).compress(input, LEVEL);
  return Buffer.from(out.buffer, out.byteOffset, out.length);
};

export const zstdDecompress = (input: Buffer): Buffer => {
  if (native) return native.zstdDecompressSync(input);
  const out = fzstdDecompress(input);
  return Buffer.from(out.buffer, out.byteOffset, out.length);
};
