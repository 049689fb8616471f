import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBodyUpTo } from '#scripts/shared/read-body.ts';

/** A local HTTP stand-in for one AWS API, reached through the SDK's `AWS_ENDPOINT_URL_<SERVICE>` setting. */
export interface StandIn {
  /** e.g. http://127.0.0.1:41234 — the value for the service's endpoint variable. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface StandInReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** AWS APIs take requests up to a few MiB (Firehose PutRecordBatch: 4 MiB of data, base64 in JSON). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const send = (response: ServerResponse, reply: StandInReply) => {
  response.statusCode = reply.status;
  response.setHeader('content-type', reply.contentType);
  response.setHeader('x-amzn-requestid', crypto.randomUUID());
  response.end(reply.body);
};

/** Serves `handle` on 127.0.0.1 (port 0 = a free one); requests are handled one at a time, in arrival order. */
export const serveStandIn = async (
  name: string,
  handle: (request: IncomingMessage, body: Buffer) => Promise<StandInReply>,
  tooLarge: StandInReply,
  port = 0,
): Promise<StandIn> => {
  // One at a time: appends to a file from concurrent requests must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((request, response) => {
    queue = queue.then(async () => {
      try {
        const body = await readBodyUpTo(request, MAX_BODY_BYTES);
        send(response, body === null ? tooLarge : await handle(request, body));
      } catch (error) {
        send(response, {
          status: 500,
          contentType: 'text/plain',
          body: `${name} stand-in failed: ${(error as Error).message}`,
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
