/**
 * `npm start` as the sustained bench drives it: a child process (`scripts/local/start.ts`) on free loopback ports and
 * a throwaway state folder, with the generator at the asked rate; stopped with SIGINT, killed by group if it hangs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#scripts/local/services/index.ts';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const READY = 'FleetStream is ready';

export interface RuntimeJob {
  readonly devices: number;
  readonly rate: number;
  /** npm start's --profile. @default local */
  readonly profile?: string;
  /** false: `--no-generator` (the bench produces its own records; devices and rate are ignored). @default true */
  readonly generator?: boolean;
}

export interface StartedRuntime {
  readonly apiUrl: string;
  readonly brokers: string;
  /** The runtime's state folder (alerts.jsonl, logs); removed by stop(). */
  readonly stateDir: string;
  output(): string;
  stop(): Promise<void>;
}

const exitOf = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

const waitReady = async (child: ChildProcess, output: () => string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(READY)) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output()}`);
    if (Date.now() > deadline)
      throw new Error(`npm start was not ready within ${timeoutMs / 1000} s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** Starts `npm start` with the generator on; resolves once it prints that it is ready. */
export const startRuntime = async (job: RuntimeJob): Promise<StartedRuntime> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'fleetstream-sustained-'));
  const ports = { kafka: await freePort(), dynamodb: await freePort(), api: await freePort() };
  const args = [
    ...['scripts/local/start.ts', '--state-dir', stateDir, '--kafka-port', String(ports.kafka)],
    ...['--dynamodb-port', String(ports.dynamodb), '--api-port', String(ports.api)],
    ...(job.generator === false
      ? ['--no-generator']
      : ['--devices', String(job.devices), '--rate', String(job.rate)]),
    ...['--profile', job.profile ?? 'local'],
  ];
  const child = spawn(TSX, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGINT');
      const exited = await Promise.race([exitOf(child).then(() => true), sleepFalse(90_000)]);
      if (!exited && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, () => output, 300_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl: `http://127.0.0.1:${ports.api}`,
    brokers: `127.0.0.1:${ports.kafka}`,
    stateDir,
    output: () => output,
    stop,
  };
};

const sleepFalse = (ms: number) => new Promise<false>((resolve) => setTimeout(() => resolve(false), ms));
