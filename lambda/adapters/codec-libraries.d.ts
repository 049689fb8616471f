// Types for the two pure-JS codec libraries that ship none (only the functions the Kafka codecs use).

declare module 'snappyjs' {
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}

declare module 'lz4js' {
  export function compressBound(length: number): number;
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    srcIndex: number,
    srcLength: number,
    hashTable: Uint32Array,
  ): number;
  export function decompress(input: Uint8Array, maxSize?: number): Uint8Array;
}
