import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createTelemetryStream, steppedClock } from '#lambda/generator/telemetry.ts';
import { type LocalRuntime, startLocalRuntime } from '#test/support/local-runtime.ts';

// Issue 14's "done when": the generator CLI produces with each Kafka codec into `npm start`'s broker, and the local
// pipeline (event-source poller → state-processor bundle, raw archive) folds and archives every record.

const run = promisify(execFile);
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const DEVICES = 20;
const COUNT = 400;
const STEP_MS = 100;
let runtime: LocalRuntime | undefined;
afterAll(async () => runtime?.stop());

const generate = async (brokers: string, codec: string, startMs: number) =>
  run(
    'npx',
    [
      ...['tsx', 'scripts/generate.ts', '--local', '--brokers', brokers],
      ...['--devices', String(DEVICES), '--rate', '0', '--count', String(COUNT), '--seed', codec],
      ...['--start-time', new Date(startMs).toISOString(), '--time-step-ms', String(STEP_MS)],
      ...['--compression', codec, '--json'],
    ],
    { timeout: 90_000 },
  );

/** The values the CLI sent, replayed offline from the same seed and clock. */
const expectedValues = (codec: string, startMs: number): string[] => {
  const stream = createTelemetryStream({
    devices: DEVICES,
    seed: codec,
    clock: steppedClock(startMs, STEP_MS),
  });
  return Array.from({ length: COUNT }, () => stream.next().value.value.toString('utf8'));
};

const archivedLines = async (stateDir: string): Promise<string[]> => {
  const root = join(stateDir, 'datalake', 'raw');
  const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
  const lines: string[] = [];
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.gz'))) {
    const text = gunzipSync(await readFile(join(entry.parentPath, entry.name))).toString('utf8');
    lines.push(...text.split('\n').filter((l) => l !== ''));
  }
  return lines;
};

const waitFor = async (what: string, probe: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${runtime?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe('every Kafka codec through the local pipeline', () => {
  it('refuses an unknown codec with the usage line and exit 2, before connecting', async () => {
    const failed = await run('npx', [
      ...['tsx', 'scripts/generate.ts', '--local', '--brokers', '127.0.0.1:1'],
      ...['--devices', '1', '--rate', '0', '--count', '1', '--compression', 'brotli'],
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/--compression must be one of none, gzip, snappy, lz4, zstd, got "brotli"/);
    expect(failed.stderr).toMatch(/usage: npm run generate/);
  });

  it('folds and archives every record produced with gzip, snappy, lz4 and zstd', async () => {
    runtime = await startLocalRuntime({ FLEETSTREAM_ARCHIVE_FLUSH_MS: '1000' });
    const local = runtime;
    // Each codec's records come after the previous codec's in event time, so none is late for the processor.
    const base = Date.now() - 3_600_000;
    const expected: string[] = [];
    for (const [k, codec] of CODECS.entries()) {
      const startMs = base + k * 600_000;
      const { stdout } = await generate(local.brokers, codec, startMs);
      expect(JSON.parse(stdout), codec).toMatchObject({ sent: COUNT, errors: 0, bad: 0 });
      expected.push(...expectedValues(codec, startMs));
    }
    const total = COUNT * CODECS.length;

    let fleetRecords = -1;
    await waitFor(
      `${total} records folded`,
      async () => {
        const fleet = (await (await fetch(`${local.apiUrl}/fleet`)).json()) as { records?: number };
        fleetRecords = fleet.records ?? -1;
        return fleetRecords >= total;
      },
      120_000,
    );
    expect(fleetRecords).toBe(total);

    let lines: string[] = [];
    await waitFor(
      `${total} archived records`,
      async () => {
        lines = await archivedLines(local.stateDir);
        return lines.length >= total;
      },
      60_000,
    );
    expect([...lines].sort()).toEqual([...expected].sort());
    // Nothing was stuck or reported undecodable on the way.
    expect(local.output()).not.toMatch(/cannot decode/);
  });
});
