/**
 * One dead-letter line (JSON, no newline) that fits a Firehose record: a key or value too big is cut (base64, on a
 * 4-character boundary so what is kept still decodes) and the line says so with the original sizes.
 */
import type { DeadLetter } from './dead-letter.ts';

/** Firehose's record limit is 1,000 KiB; keep a margin for the newline and the truncation fields. */
export const MAX_DEAD_LETTER_LINE_BYTES = 1000 * 1024 - 1024;

/** A line whose key or value was cut: the original sizes in bytes (before base64). */
export interface TruncatedDeadLetter extends DeadLetter {
  truncated: true;
  keyBytes: number;
  valueBytes: number;
}

const base64Bytes = (text: string): number => Buffer.from(text, 'base64').byteLength;
const cut = (base64: string, room: number): string => base64.slice(0, Math.max(0, room - (room % 4)));

export const deadLetterJson = (letter: DeadLetter, maxBytes = MAX_DEAD_LETTER_LINE_BYTES): string => {
  const line = JSON.stringify(letter);
  if (Buffer.byteLength(line) <= maxBytes) return line;
  const key = letter.key ?? '';
  const shell: TruncatedDeadLetter = {
    ...letter,
    key: letter.key === null ? null : '',
    value: '',
    truncated: true,
    keyBytes: base64Bytes(key),
    valueBytes: base64Bytes(letter.value),
  };
  // Base64 is ASCII: characters = bytes. Share the room, giving the key at most half unless the value needs less.
  const room = Math.max(0, maxBytes - Buffer.byteLength(JSON.stringify(shell)));
  const keyRoom = Math.max(Math.floor(room / 2), room - letter.value.length);
  const keptKey = cut(key, Math.min(key.length, keyRoom));
  const keptValue = cut(letter.value, Math.min(letter.value.length, room - keptKey.length));
  return JSON.stringify({ ...shell, key: letter.key === null ? null : keptKey, value: keptValue });
};
