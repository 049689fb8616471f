import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { createKafka } from '#adapters/kafka-client.ts';
import { decodeRecord } from '#core/record.ts';
import { GeneratorError, runGenerator } from '#lambda/generator/run.ts';
import { createTelemetryStream, steppedClock } from '#lambda/generator/telemetry.ts';
import { freePort } from '#scripts/local/services/ports.ts';
import { countRecords, createTestTopic, readAll, testKafka } from '#test/support/kafka.ts';

const run = promisify(execFile);
const brokers = () => inject('brokers');
const START = Date.parse('2026-11-21T10:00:00Z');

/** Runs the real CLI; resolves with exit code and output whatever the code. */
const generateCli = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/generate.ts', ...args], { timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

describe('telemetry generator against the local broker', () => {
  it('delivers every record, keyed by device id, good values valid and the bad share as injected', async () => {
    const topic = await createTestTopic(brokers(), 'gen-all');
    const options = { topic, devices: 200, count: 5_000, seed: 21, badRatio: 0.05, batch: 500 };

    const summary = await runGenerator(testKafka(brokers()), { ...options, clock: steppedClock(START, 10) });

    // What the same seed and clock must have produced, replayed offline.
    const stream = createTelemetryStream({ ...options, clock: steppedClock(START, 10) });
    const expected = Array.from({ length: options.count }, () => stream.next().value);
    const expectedBad = expected.filter((m) => m.bad).length;
    expect(summary).toMatchObject({ sent: 5_000, errors: 0, bad: expectedBad });
    expect(summary.recordsPerSec).toBeGreaterThan(0);

    const messages = await readAll(brokers(), topic, 5_000);
    expect(messages).toHaveLength(5_000);
    let good = 0;
    let bad = 0;
    for (const m of messages) {
      const decoded = decodeRecord(m.value ?? Buffer.alloc(0), m.key);
      if (decoded.ok) {
        good++;
        expect(decoded.record.deviceId).toBe(m.key?.toString());
      } else {
        bad++;
        expect(m.key?.toString()).toMatch(/^dvc\d{4}$/);
      }
    }
    expect(bad).toBe(expectedBad);
    expect(bad / 5_000).toBeGreaterThan(0.035);
    expect(bad / 5_000).toBeLessThan(0.065);
    expect(good + bad).toBe(5_000);
    // Same bytes as the offline replay (as multisets: partitions interleave on read).
    const sortHex = (values: (Buffer | null)[]) => values.map((v) => v?.toString('hex') ?? '').sort();
    expect(sortHex(messages.map((m) => m.value))).toEqual(sortHex(expected.map((m) => m.value)));
  });

  it('the CLI with the same --seed and start time produces the identical stream twice', async () => {
    const [a, b] = [
      await createTestTopic(brokers(), 'gen-seed-a'),
      await createTestTopic(brokers(), 'gen-seed-b'),
    ];
    const args = (topic: string) => [
      '--local',
      '--brokers',
      brokers(),
      '--topic',
      topic,
      '--devices',
      '50',
      '--rate',
      '0',
      '--count',
      '2000',
      '--seed',
      's-1',
      '--bad-ratio',
      '0.02',
      '--start-time',
      '2026-11-21T10:00:00Z',
      '--time-step-ms',
      '5',
    ];
    const [first, second] = [await generateCli(args(a)), await generateCli(args(b))];
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stdout).toMatch(/sent 2000 records/);

    const byPartition = async (topic: string) => {
      const messages = await readAll(brokers(), topic, 2000);
      const out: string[][] = [];
      for (const m of [...messages].sort((x, y) => Number(x.offset) - Number(y.offset))) {
        const list = out[m.partition] ?? [];
        out[m.partition] = list;
        list.push(`${m.key}|${m.value?.toString('hex')}`);
      }
      return out;
    };
    expect(await byPartition(b)).toEqual(await byPartition(a));
  });

  it('paces to --rate and stops cleanly on abort, every acknowledged record in the topic', async () => {
    const topic = await createTestTopic(brokers(), 'gen-rate', 3);
    const paced = await runGenerator(testKafka(brokers()), { topic, devices: 10, rate: 400, count: 200 });
    expect(paced.sent).toBe(200);
    expect(paced.seconds).toBeGreaterThan(0.45);

    const abort = new AbortController();
    setTimeout(() => abort.abort(), 700);
    const stopped = await runGenerator(testKafka(brokers()), {
      topic,
      devices: 10,
      rate: 1_000,
      signal: abort.signal,
    });
    expect(stopped.sent).toBeGreaterThan(100);
    expect(stopped.sent).toBeLessThan(1_500);
    expect(await countRecords(brokers(), topic)).toBe(200 + stopped.sent);
  });

  it('gives up with a summary when sends keep failing (topic missing)', async () => {
    const kafka = createKafka(
      { mode: 'local', brokers: brokers() },
      { retry: { retries: 1, initialRetryTime: 100 } },
    );
    const error = await runGenerator(kafka, {
      topic: 'no-such-topic-h1',
      devices: 5,
      count: 10_000,
      batch: 100,
      inFlight: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeneratorError);
    expect((error as GeneratorError).summary.sent).toBe(0);
    expect((error as GeneratorError).summary.errors).toBe(300);
  });

  it('the CLI fails fast with one line when the broker is unreachable, and exits 2 on bad flags', async () => {
    const port = await freePort();
    const started = Date.now();
    const down = await generateCli([
      '--local',
      '--brokers',
      `127.0.0.1:${port}`,
      '--devices',
      '5',
      '--rate',
      '0',
      '--count',
      '10',
    ]);
    expect(down.code).toBe(1);
    // Generous bound (tsx start-up on a loaded machine): what matters is that it gives up instead of retrying forever.
    expect(Date.now() - started).toBeLessThan(60_000);
    const lines = down.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
    expect(lines).toEqual([
      expect.stringMatching(/^error: cannot reach Kafka at plaintext 127\.0\.0\.1:\d+/),
    ]);

    const noTopic = await generateCli([
      '--local',
      '--brokers',
      brokers(),
      '--topic',
      'absent-h1',
      '--devices',
      '5',
      '--rate',
      '0',
      '--count',
      '1',
    ]);
    expect(noTopic.code).toBe(1);
    expect(noTopic.stderr).toMatch(/topic absent-h1 does not exist.*topic:create/);

    const bad = await generateCli(['--local', '--devices', 'many', '--rate', '0', '--count', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--devices must be an integer[\s\S]*usage: npm run generate/);
    const missing = await generateCli(['--local', '--devices', '5', '--rate', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/give --duration or --count/);
  });
});
