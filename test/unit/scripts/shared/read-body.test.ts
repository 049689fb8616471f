import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBodyUpTo } from '#scripts/shared/read-body.ts';

// readBodyUpTo only listens for data/end/error, which any readable stream emits as a request does.
const requestOf = (chunks: Buffer[]): IncomingMessage => Readable.from(chunks) as unknown as IncomingMessage;

describe('readBodyUpTo', () => {
  it('answers the whole body up to the bound and null past it, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.nat(200),
        async (parts, max) => {
          const chunks = parts.filter((p) => p.length > 0).map((p) => Buffer.from(p));
          const whole = Buffer.concat(chunks);
          const body = await readBodyUpTo(requestOf(chunks), max);
          if (whole.length > max) expect(body).toBeNull();
          else expect(body).toEqual(whole);
        },
      ),
    );
  });

  it('reads an oversized body to its end before answering null', async () => {
    const request = requestOf([Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)]);
    expect(await readBodyUpTo(request, 15)).toBeNull();
    expect(request.readableEnded).toBe(true);
  });

  it('rejects when the request errors', async () => {
    const request = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    }) as unknown as IncomingMessage;
    await expect(readBodyUpTo(request, 10)).rejects.toThrow('socket hang up');
  });
});
