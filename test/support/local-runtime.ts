import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#scripts/local/services/index.ts';

// The whole local pipeline (`npm start -- --no-generator`) in a child process on free ports and a throwaway state
// folder, driven from outside the way a user would; stopped with Ctrl-C, killed by group if it hangs.

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

export interface LocalRuntime {
  readonly apiUrl: string;
  readonly brokers: string;
  readonly dynamodbEndpoint: string;
  /** The runtime's process group (its first process's pid): `npm start` and everything it spawned. */
  readonly processGroup: number;
  /** The runtime's state folder (data lake, logs); removed by stop(). */
  readonly stateDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** Java processes started for this state folder (their command lines name it). */
export const javaFor = (dir: string): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.startsWith('java') && cmdline.includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);

export const startLocalRuntime = async (env: Record<string, string> = {}): Promise<LocalRuntime> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'fleetstream-runtime-'));
  const ports = { kafka: await freePort(), dynamodb: await freePort(), api: await freePort() };
  let output = '';
  const child: ChildProcess = spawn(
    TSX,
    [
      'scripts/local/start.ts',
      '--no-generator',
      ...['--state-dir', stateDir, '--kafka-port', String(ports.kafka)],
      ...['--dynamodb-port', String(ports.dynamodb), '--api-port', String(ports.api)],
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const apiUrl = `http://127.0.0.1:${ports.api}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      child.kill('SIGINT');
      const hung = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 60_000)),
      ]);
      if (hung) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    }
    for (const pid of javaFor(stateDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await rm(stateDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`npm start exited (${child.exitCode}) before the API answered:\n${output}`);
    }
    if (
      await fetch(`${apiUrl}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not answer GET /health in 240 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    apiUrl,
    brokers: `127.0.0.1:${ports.kafka}`,
    dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    processGroup: child.pid ?? -1,
    stateDir,
    output: () => output,
    stop,
  };
};
