import { compress, uncompress } from 'snappyjs';

/**
 * Kafka's snappy: what Java (xerial SnappyOutputStream) and kafka-python send is the xerial framing — an 16-byte
 * header, then blocks of [int32 length][raw snappy]; librdkafka and kafkajs-snappy send one raw snappy block. We read
 * both and write the xerial framing, which every Kafka client reads.
 */

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** xerial's default block size: larger inputs are framed as several independent blocks. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

const isXerial = (input: Buffer): boolean =>
  input.length >= XERIAL_HEADER_BYTES && input.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);

export const snappyCompress = (input: Buffer): Buffer => {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // minimum compatible version
  const parts: Buffer[] = [header];
  for (let start = 0; start < input.length; start += XERIAL_BLOCK_BYTES) {
    const block = compress(input.subarray(start, start + XERIAL_BLOCK_BYTES));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, Buffer.from(block.buffer, block.byteOffset, block.length));
  }
  return Buffer.concat(parts);
};

export const snappyDecompress = (input: Buffer): Buffer => {
  if (!isXerial(input)) return Buffer.from(uncompress(input));
  const parts: Buffer[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < input.length) {
    if (at + 4 > input.length) throw new Error(`snappy: truncated xerial block header at byte ${at}`);
    const length = input.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > input.length) {
      throw new Error(
        `snappy: xerial block of ${length} bytes at byte ${at} overruns the ${input.length}-byte batch`,
      );
    }
    parts.push(Buffer.from(uncompress(input.subarray(at, at + length))));
    at += length;
  }
  return Buffer.concat(parts);
};
