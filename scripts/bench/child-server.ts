/**
 * Starts a server script of the bench in a child process (its own event loop, as a deployed function has) and waits
 * for the URL it prints on its first stdout line.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface ChildServer {
  readonly url: string;
  close(): Promise<void>;
}

/** `script` is a file beside this one; `label` names it in the error when it exits before listening. */
export const startChildServer = (script: string, argument: unknown, label: string): Promise<ChildServer> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, script), JSON.stringify(argument)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = out.match(/^(http:\/\/\S+)\n/)?.[1];
      if (url === undefined) return;
      child.stdout.removeAllListeners('data');
      resolve({
        url,
        close: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${label} child exited ${code} before it listened`)));
  });
