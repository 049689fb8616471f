/**
 * Text SNS accepts. A Publish is refused for good (InvalidParameter) when the message is over 256 KB or a message
 * attribute holds a character outside XML's set, so both are made safe before publishing, never after a refusal.
 */

/**
 * Messages are cut to this many UTF-8 bytes: SNS bills a publish per 64 KiB chunk, and an alert's readable text
 * (headline, rule message, registry attributes) is far below it unless a registry row is huge.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

// Characters SNS (like SQS) accepts in attribute values: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Replaces what SNS would refuse (controls, unpaired surrogates, U+FFFE/U+FFFF) with U+FFFD. */
export const snsSafe = (text: string): string => text.replace(NOT_XML_CHAR, '\uFFFD');

/**
 * `text` made SNS-safe and at most `maxBytes` UTF-8 bytes. A longer text is cut at a character boundary (never inside a
 * surrogate pair or a multi-byte sequence) and ends with a marker giving the original size, so a reader knows.
 */
export const boundedMessage = (text: string, maxBytes = MAX_MESSAGE_BYTES): string => {
  const safe = snsSafe(text);
  const bytes = Buffer.byteLength(safe, 'utf8');
  if (bytes <= maxBytes) return safe;
  const marker = `\n… [truncated: ${bytes} bytes]`;
  const budget = maxBytes - Buffer.byteLength(marker, 'utf8');
  let used = 0;
  let end = 0;
  for (const char of safe) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    used += size;
    end += char.length;
  }
  return `${safe.slice(0, end)}${marker}`;
};
