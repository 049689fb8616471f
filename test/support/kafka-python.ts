import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

// kafka-python with its codec packages in a venv under .local (created on first use from PyPI, pinned), so tests can
// talk to the local broker as a Python producer does.

const run = promisify(execFile);
const ROOT = process.cwd();
const VENV = join(ROOT, '.local', 'venv-kafka-python');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'kafka-python');
const PYTHON = join(VENV, 'bin', 'python');
const STAMP = join(VENV, 'requirements.txt');

export const ensureKafkaPython = async (): Promise<void> => {
  const wanted = await readFile(join(FIXTURE, 'requirements.txt'), 'utf8');
  if (existsSync(STAMP) && (await readFile(STAMP, 'utf8')) === wanted) return;
  await run('python3', ['-m', 'venv', '--clear', VENV], { timeout: 120_000 });
  await run(join(VENV, 'bin', 'pip'), ['install', '-q', '-r', join(FIXTURE, 'requirements.txt')], {
    timeout: 300_000,
  });
  await run('cp', [join(FIXTURE, 'requirements.txt'), STAMP]);
};

const client = async (args: string[]): Promise<string[]> => {
  const { stdout } = await run(PYTHON, [join(FIXTURE, 'client.py'), ...args], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
};

/** Values kafka-python sent with that codec. */
export const pythonProduce = (brokers: string, topic: string, codec: string, count: number) =>
  client([brokers, 'produce', topic, codec, String(count)]);

/** Values kafka-python read from the topic (from the start, up to count). */
export const pythonConsume = (brokers: string, topic: string, count: number) =>
  client([brokers, 'consume', topic, String(count)]);
