import type { IncomingMessage } from 'node:http';

/**
 * A request's whole body, or null when it exceeds `maxBytes`. An oversized body is still read to its end (and not
 * kept) so the caller can answer 413 on a connection that is in a clean state.
 */
export const readBodyUpTo = (request: IncomingMessage, maxBytes: number): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
