/**
 * The generator's Produce requests encoded once, into one buffer of the exact size (issue 22).
 *
 * kafkajs builds a Produce request out of growing Encoders: one per record, one per batch, partition, topic and
 * request, each zero-filled, doubled as it grows and copied into the next, so a 1 KB value is copied about ten times
 * before it reaches the socket, and its CRC-32C runs a byte at a time. Profiled, that was a third of the generator's
 * CPU (GC 22%, buffer copies 14%, CRC 7%). This encoder computes every size first, writes each value once and
 * checksums with crc32c.ts. It produces the same bytes as kafkajs's own Produce v3–v7 encoder (the unit test holds
 * them equal on random requests), so the broker sees no difference.
 *
 * It is plugged in where kafkajs looks the encoder up on every produce (its Produce request table's `protocol`), and
 * only for what it encodes: uncompressed records without timestamps or headers. Anything else — compression,
 * explicit timestamps, headers, an older Produce version — goes to kafkajs's own encoder unchanged.
 */
import produceRequests, { type ProduceRequestBuilder } from 'kafkajs/src/protocol/requests/produce/index.js';
import { crc32c } from './crc32c.ts';

type Bytes = Buffer | string | null | undefined;

interface Message {
  readonly key?: Bytes;
  readonly value: Bytes;
  readonly timestamp?: unknown;
  readonly headers?: unknown;
  readonly partition?: unknown;
}

interface PartitionData {
  readonly partition: number;
  readonly firstSequence?: number;
  readonly messages: readonly Message[];
}

interface TopicData {
  readonly topic: string;
  readonly partitions: readonly PartitionData[];
}

/** A Produce request as kafkajs's broker hands it to the version's encoder. */
export interface ProduceArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly compression?: number;
  readonly topicData: readonly TopicData[];
  readonly transactionalId?: string | null;
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
}

/** Produce versions whose request body is the v3 layout (kafkajs implements v3–v7 with one encoder). */
const FIRST_VERSION = 3;
const NO_COMPRESSION = 0;
const TRANSACTIONAL = 16;
const MAGIC = 2;
/** Record batch bytes before the records: base offset, length, leader epoch, magic, CRC, then the CRC'd header. */
const BATCH_HEAD = 8 + 4 + 4 + 1 + 4;
const BATCH_BODY_HEAD = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

const isEmpty = (headers: unknown): boolean =>
  headers === undefined ||
  headers === null ||
  (typeof headers === 'object' && Object.keys(headers).length === 0);

const isBytes = (x: unknown): x is Bytes =>
  x === null || x === undefined || typeof x === 'string' || Buffer.isBuffer(x);

/** Whether this encoder writes the request; otherwise kafkajs's own encoder does. */
export const encodesHere = (args: ProduceArgs): boolean =>
  (args.compression ?? NO_COMPRESSION) === NO_COMPRESSION &&
  args.topicData.every(({ partitions }) =>
    partitions.every(({ messages }) =>
      messages.every(
        (m) =>
          (m.timestamp === undefined || m.timestamp === null) &&
          isEmpty(m.headers) &&
          isBytes(m.key) &&
          isBytes(m.value),
      ),
    ),
  );

const zigZag = (n: number): number => ((n << 1) ^ (n >> 31)) >>> 0;

const varIntSize = (n: number): number => {
  let v = zigZag(n);
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
};

const byteLength = (x: Bytes): number =>
  x === null || x === undefined ? -1 : typeof x === 'string' ? Buffer.byteLength(x) : x.length;

const bytesSize = (length: number): number => varIntSize(length) + Math.max(0, length);

/** One record's body size (everything after its length varint): attributes, deltas, key, value, no headers. */
const recordBodySize = (offsetDelta: number, keyLength: number, valueLength: number): number =>
  1 + 1 + varIntSize(offsetDelta) + bytesSize(keyLength) + bytesSize(valueLength) + 1;

const toBigInt = (x: unknown): bigint => {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'object' && x !== null && typeof (x as { value?: unknown }).value === 'bigint')
    return (x as { value: bigint }).value;
  return BigInt(String(x));
};

/** Writes into one preallocated buffer, front to back. */
class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  int8(v: number) {
    this.offset = this.buf.writeInt8(v, this.offset);
  }
  int16(v: number) {
    this.offset = this.buf.writeInt16BE(v, this.offset);
  }
  int32(v: number) {
    this.offset = this.buf.writeInt32BE(v, this.offset);
  }
  uint32(v: number) {
    this.offset = this.buf.writeUInt32BE(v, this.offset);
  }
  int64(v: bigint) {
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
  }
  varInt(n: number) {
    let v = zigZag(n);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.offset++] = v;
  }
  string16(s: string | null) {
    if (s === null) return this.int16(-1);
    this.int16(Buffer.byteLength(s));
    this.offset += this.buf.write(s, this.offset);
  }
  varBytes(x: Bytes, length: number) {
    this.varInt(length);
    if (x === null || x === undefined) return;
    if (typeof x === 'string') this.offset += this.buf.write(x, this.offset);
    else this.offset += x.copy(this.buf, this.offset);
  }
}

/** A partition's messages, sized: key and value lengths once, then the records' total. */
const sizeRecords = (messages: readonly Message[]) => {
  const keys = new Int32Array(messages.length);
  const values = new Int32Array(messages.length);
  let size = 0;
  messages.forEach((m, i) => {
    keys[i] = byteLength(m.key);
    values[i] = byteLength(m.value);
    const body = recordBodySize(i, keys[i] as number, values[i] as number);
    size += varIntSize(body) + body;
  });
  return { keys, values, size };
};

type Sized = ReturnType<typeof sizeRecords>;

interface BatchHeader {
  readonly transactional: boolean;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** One partition's record batch, as kafkajs's RecordBatch v2 writes it (base offset 0, no compression). */
const writeBatch = (w: Writer, part: PartitionData, sized: Sized, header: BatchHeader) => {
  const { messages } = part;
  const now = BigInt(Date.now());
  w.int32(part.partition);
  w.int32(BATCH_HEAD + BATCH_BODY_HEAD + sized.size);
  w.int64(0n);
  w.int32(BATCH_HEAD - 12 + BATCH_BODY_HEAD + sized.size);
  w.int32(0); // partition leader epoch
  w.int8(MAGIC);
  const crcAt = w.offset;
  w.uint32(0);
  const bodyAt = w.offset;
  w.int16(header.transactional ? TRANSACTIONAL : NO_COMPRESSION);
  w.int32(messages.length - 1);
  w.int64(now);
  w.int64(now);
  w.int64(header.producerId);
  w.int16(header.producerEpoch);
  w.int32(part.firstSequence ?? 0);
  w.int32(messages.length);
  messages.forEach((m, i) => {
    const [keyLength, valueLength] = [sized.keys[i] as number, sized.values[i] as number];
    w.varInt(recordBodySize(i, keyLength, valueLength));
    w.int8(0); // attributes
    w.varInt(0); // timestamp delta: no message carries a timestamp
    w.varInt(i);
    w.varBytes(m.key, keyLength);
    w.varBytes(m.value, valueLength);
    w.varInt(0); // headers
  });
  w.buf.writeUInt32BE(crc32c(w.buf, bodyAt, w.offset), crcAt);
};

const stringSize = (s: string | null): number => 2 + (s === null ? 0 : Buffer.byteLength(s));

/** The Produce v3–v7 request body: the same bytes kafkajs's encoder writes, in one buffer. */
export const encodeProduceRequest = (args: ProduceArgs): Buffer => {
  const transactionalId = args.transactionalId ?? null;
  const header: BatchHeader = {
    transactional: transactionalId !== null && transactionalId !== '',
    producerId: args.producerId === undefined ? -1n : toBigInt(args.producerId),
    producerEpoch: args.producerEpoch ?? 0,
  };
  const sized = args.topicData.map(({ partitions }) =>
    partitions.map(({ messages }) => sizeRecords(messages)),
  );
  let size = stringSize(transactionalId) + 2 + 4 + 4;
  args.topicData.forEach(({ topic, partitions }, t) => {
    size += stringSize(topic) + 4;
    partitions.forEach((_, p) => {
      size += 4 + 4 + BATCH_HEAD + BATCH_BODY_HEAD + (sized[t]?.[p]?.size ?? 0);
    });
  });
  const w = new Writer(Buffer.allocUnsafe(size));
  w.string16(transactionalId);
  w.int16(args.acks);
  w.int32(args.timeout);
  w.int32(args.topicData.length);
  args.topicData.forEach(({ topic, partitions }, t) => {
    w.string16(topic);
    w.int32(partitions.length);
    partitions.forEach((part, p) => {
      writeBatch(w, part, sized[t]?.[p] as Sized, header);
    });
  });
  if (w.offset !== size) throw new Error(`produce encoder sized ${size} bytes but wrote ${w.offset}`);
  return w.buf;
};

/** What kafkajs's request framing reads from an encoded body (its Encoder's `buf` and `buffer`). */
const asEncoder = (buf: Buffer) => ({ buf, buffer: buf, offset: buf.length, size: () => buf.length });

let installed = false;

/**
 * Routes kafkajs's Produce requests through this encoder from now on, in this process (idempotent). Safe for every
 * kafkajs producer in the process: what it does not encode, kafkajs still does, and what it does is byte-identical.
 */
export const installProduceEncoder = (): void => {
  if (installed) return;
  installed = true;
  const original = produceRequests.protocol;
  produceRequests.protocol = ({ version }) => {
    const builder = original({ version });
    if (version < FIRST_VERSION || builder === undefined) return builder;
    const fast: ProduceRequestBuilder = (args) => {
      const built = builder(args);
      if (!encodesHere(args as ProduceArgs)) return built;
      const encode = async () => asEncoder(encodeProduceRequest(args as ProduceArgs));
      return { ...built, request: { ...built.request, encode } };
    };
    return fast;
  };
};
