/**
 * Runs one Lambda bundle the way the Lambda runtime does: the bundle is imported once (its module scope is the cold
 * start) in a worker thread whose `process.env` is the function's own environment and nothing else, and each
 * invocation calls its real `handler` export with the event and a Lambda-shaped context. The handler cannot tell it
 * is local: no code path in it exists for this.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface LambdaHostOptions {
  /** The function's name, for messages. */
  readonly name: string;
  /** The bundle (`index.mjs`) exporting `handler`. */
  readonly bundle: string;
  /** The function's environment, exactly (the host's own environment is not passed on). */
  readonly environment: Record<string, string>;
  readonly timeoutMs: number;
  /** The function's stdout and stderr (its CloudWatch log group, locally) are appended here. */
  readonly logFile: string;
}

export interface LambdaHost {
  /** Invokes the handler; rejects with the handler's error (name and message kept) or on timeout. */
  invoke<T = unknown>(event: unknown): Promise<T>;
  readonly invocations: number;
  stop(): Promise<void>;
}

/** The worker's code: plain JavaScript (no TypeScript loader exists in a worker), run as a CommonJS script. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Lambda honours NODE_OPTIONS=--enable-source-maps; a worker takes no NODE_OPTIONS, so apply it here.
if ((process.env.NODE_OPTIONS ?? '').split(/\\s+/).includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
const loaded = import(workerData.url).then((module) => {
  if (typeof module.handler !== 'function') throw new Error(workerData.name + ': the bundle exports no handler function');
  return module.handler;
});
const failure = (error) => ({
  name: error?.name ?? 'Error',
  message: error?.message ?? String(error),
  stack: error?.stack,
});
loaded.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (error) => parentPort.postMessage({ type: 'init-error', error: failure(error) }),
);
parentPort.on('message', async ({ id, event, deadline, requestId }) => {
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    invokedFunctionArn: 'arn:aws:lambda:' + process.env.AWS_REGION + ':000000000000:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const handler = await loaded;
    parentPort.postMessage({ id, ok: true, result: await handler(event, context) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: failure(error) });
  }
});
`;

interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

interface WorkerMessage {
  readonly type?: 'ready' | 'init-error';
  readonly id?: number;
  readonly ok?: boolean;
  readonly result?: unknown;
  readonly error?: WorkerError;
}

const toError = (failure: WorkerError): Error => {
  const error = new Error(failure.message);
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
};

interface Container {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
  /** Set once the worker is gone: every later invocation needs a new container. */
  gone?: Error;
}

/** Settles the container's calls from the worker's messages; resolves once the bundle has loaded. */
const watchWorker = (container: Container, name: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const { worker } = container;
    const fail = (error: Error) => {
      container.gone ??= error;
      reject(container.gone);
      for (const call of container.pending.values()) call.reject(container.gone);
      container.pending.clear();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') return resolve();
      if (message.type === 'init-error' && message.error) {
        return reject(new Error(`${name}: the bundle failed to load: ${message.error.message}`));
      }
      const call = message.id === undefined ? undefined : container.pending.get(message.id);
      if (call === undefined || message.id === undefined) return;
      container.pending.delete(message.id);
      if (message.ok) call.resolve(message.result);
      else call.reject(toError(message.error ?? { name: 'Error', message: 'unknown failure' }));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${name}: the function's worker exited (code ${code})`)));
  });

/** A new container: the bundle imported in a fresh worker with the function's environment (a cold start). */
const coldStart = async (options: LambdaHostOptions, log: NodeJS.WritableStream): Promise<Container> => {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    env: { ...options.environment },
    workerData: { url: pathToFileURL(options.bundle).href, name: options.name },
    stdout: true,
    stderr: true,
  });
  worker.stdout.pipe(log, { end: false });
  worker.stderr.pipe(log, { end: false });
  const container: Container = { worker, pending: new Map() };
  try {
    await watchWorker(container, options.name);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return container;
};

/** One invocation in a container; a timeout discards the container, as Lambda does. */
const invokeIn = <T>(
  current: Container,
  call: { id: number; event: unknown },
  options: LambdaHostOptions,
) => {
  const { worker, pending } = current;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(call.id);
      // Lambda stops a timed-out invocation by discarding its container: nothing it started keeps running.
      current.gone ??= new Error(`${options.name}: container discarded after a timeout`);
      void worker.terminate();
      reject(new Error(`${options.name}: Task timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    pending.set(call.id, {
      resolve: (value) => {
        clearTimeout(timer);
        resolve(value as T);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    worker.postMessage({
      id: call.id,
      event: call.event,
      deadline: Date.now() + options.timeoutMs,
      requestId: crypto.randomUUID(),
    });
  });
};

/**
 * Starts the worker and waits for the bundle's cold start; a bundle that cannot load rejects here. Like Lambda, a
 * container whose invocation timed out or whose process died is discarded, and the next invocation cold-starts anew.
 */
export const startLambdaHost = async (options: LambdaHostOptions): Promise<LambdaHost> => {
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let container: Promise<Container> = coldStart(options, log).catch(async (error: unknown) => {
    await new Promise<void>((resolve) => log.end(resolve));
    throw error;
  });
  await container;
  let nextId = 0;
  let invocations = 0;

  return {
    get invocations() {
      return invocations;
    },
    async invoke<T>(event: unknown): Promise<T> {
      let current = await container.catch(() => undefined);
      if (current === undefined || current.gone !== undefined) {
        container = coldStart(options, log);
        current = await container;
      }
      invocations++;
      return invokeIn<T>(current, { id: nextId++, event }, options);
    },
    async stop() {
      const current = await container.catch(() => undefined);
      await current?.worker.terminate();
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
};
