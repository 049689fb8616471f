import { compressBlock, compressBound, decompress } from 'lz4js';

/**
 * Kafka's lz4 is the LZ4 frame format with independent blocks (Java's KafkaLZ4BlockOutputStream, librdkafka,
 * kafka-python). lz4js reads frames (linked or independent blocks, skipping optional checksums and content size);
 * its own frame writer links blocks and leaves the independence flag unset, so we write the frame here, one
 * independently compressed 64 KiB block at a time, as Java does.
 */

const MAGIC = 0x184d2204;
/** FLG: version 01, blocks independent; no checksums, no content size. */
const FLG = 0b0110_0000;
/** BD: 64 KiB maximum block size (code 4), Java's default. */
const BD = 4 << 4;
const BLOCK_BYTES = 64 * 1024;
const UNCOMPRESSED_FLAG = 0x8000_0000;

// xxHash32 (seed 0) of FLG + BD, second byte: the frame header checksum. Two bytes only: compute it once here.
const headerChecksum = (): number => {
  const P1 = 0x9e3779b1;
  const P2 = 0x85ebca77;
  const P3 = 0xc2b2ae3d;
  const P5 = 0x165667b1;
  let h = (P5 + 2) >>> 0;
  for (const byte of [FLG, BD]) {
    h = (h + Math.imul(byte, P5)) >>> 0;
    h = Math.imul((h << 11) | (h >>> 21), P1) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, P3) >>> 0;
  h ^= h >>> 16;
  return (h >>> 8) & 0xff;
};
const HC = headerChecksum();

export const lz4Compress = (input: Buffer): Buffer => {
  const out = Buffer.alloc(7 + compressBound(input.length) + 4 * Math.ceil(input.length / BLOCK_BYTES) + 4);
  out.writeUInt32LE(MAGIC, 0);
  out[4] = FLG;
  out[5] = BD;
  out[6] = HC;
  let at = 7;
  const scratch = new Uint8Array(compressBound(BLOCK_BYTES));
  for (let start = 0; start < input.length; start += BLOCK_BYTES) {
    const length = Math.min(BLOCK_BYTES, input.length - start);
    // A fresh hash table per block: no match may reach into the previous block (independent blocks).
    const size = compressBlock(input, scratch, start, length, new Uint32Array(1 << 16));
    if (size === 0 || size >= length) {
      out.writeUInt32LE((UNCOMPRESSED_FLAG | length) >>> 0, at);
      input.copy(out, at + 4, start, start + length);
      at += 4 + length;
    } else {
      out.writeUInt32LE(size, at);
      out.set(scratch.subarray(0, size), at + 4);
      at += 4 + size;
    }
  }
  out.writeUInt32LE(0, at); // end mark
  return out.subarray(0, at + 4);
};

export const lz4Decompress = (input: Buffer): Buffer => {
  const output = decompress(input);
  return Buffer.from(output.buffer, output.byteOffset, output.length);
};
