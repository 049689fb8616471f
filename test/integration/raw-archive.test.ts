import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type RawArchiveOptions, startRawArchive } from '#scripts/local/raw-archive.ts';
import { waitFor } from '#test/support/integration.ts';
import { createTestTopic, testKafka } from '#test/support/kafka.ts';
import { uniquePrefix } from '#test/support/local-aws.ts';

const brokers = () => inject('brokers');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Values with varied sizes and one with invalid UTF-8: the archive must keep the bytes as is. */
const recordValue = (i: number): Buffer =>
  i % 97 === 0
    ? Buffer.concat([Buffer.from(`{"seq":${i},"model":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
    : Buffer.from(JSON.stringify({ seq: i, pad: 'x'.repeat(i % 300) }));

const produce = async (topic: string, from: number, count: number) => {
  const producer = testKafka(brokers()).producer();
  await producer.connect();
  const messages = Array.from({ length: count }, (_, k) => ({
    key: `d${(from + k) % 37}`,
    value: recordValue(from + k),
  }));
  for (let i = 0; i < messages.length; i += 500)
    await producer.send({ topic, messages: messages.slice(i, i + 500) });
  await producer.disconnect();
};

const listFiles = async (root: string): Promise<string[]> =>
  (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));

/** Every archived line, as hex, across all files. */
const archivedLines = async (root: string): Promise<string[]> => {
  const lines: string[] = [];
  for (const file of (await listFiles(root)).filter((f) => f.endsWith('.gz'))) {
    const text = gunzipSync(await readFile(join(root, file)));
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, start)) {
      parts.push(text.subarray(start, i));
      start = i + 1;
    }
    expect(start, `${file} ends with a newline`).toBe(text.length);
    lines.push(...parts.map((p) => p.toString('hex')));
  }
  return lines;
};

describe('local raw archive (Firehose stand-in)', () => {
  it('writes every record exactly once as gzip NDJSON under Firehose hour folders, and resumes after restart', async () => {
    const topic = await createTestTopic(brokers(), 'archive', 3);
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-archive-'));
    dirs.push(dir);
    await produce(topic, 0, 3_000);
    const options: RawArchiveOptions = {
      brokers: brokers(),
      topic,
      groupId: uniquePrefix('archive'),
      dir,
      flushIntervalMs: 500,
      maxBytes: 50_000,
    };

    const archive = await startRawArchive(options);
    await waitFor(() => archive.stats.records >= 3_000, 60_000, '3000 archived records');
    await archive.stop();

    const files = await listFiles(dir);
    expect(files.length).toBeGreaterThan(3); // size-based rotation happened
    const hour = new Date().toISOString().slice(0, 13);
    for (const file of files) {
      const match =
        /^raw\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/fleetstream-raw-1-(\d{4})-(\d{2})-(\d{2})-(\d{2})-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/.exec(
          file,
        );
      expect(match, file).not.toBeNull();
      if (!match) continue;
      expect(match.slice(5, 9)).toEqual(match.slice(1, 5)); // name's time is in its folder's hour
      // Arrival hour: this test's (allowing for a run across the hour boundary).
      expect(
        Math.abs(
          Date.parse(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:00Z`) - Date.parse(`${hour}:00Z`),
        ),
      ).toBeLessThanOrEqual(3_600_000);
    }
    const expected = Array.from({ length: 3_000 }, (_, i) => recordValue(i).toString('hex')).sort();
    expect((await archivedLines(dir)).sort()).toEqual(expected);

    // Restart on the same group: only the new records are archived.
    await produce(topic, 3_000, 200);
    const again = await startRawArchive(options);
    await waitFor(() => again.stats.records >= 200, 60_000, '200 new records');
    await again.stop();
    expect(again.stats.records).toBe(200);
    const all = Array.from({ length: 3_200 }, (_, i) => recordValue(i).toString('hex')).sort();
    expect((await archivedLines(dir)).sort()).toEqual(all);
  });

  it('starts a new file in the new hour folder when the arrival hour changes', async () => {
    const topic = await createTestTopic(brokers(), 'archive-hours', 1);
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-archive-h-'));
    dirs.push(dir);
    await produce(topic, 0, 600);
    // A clock that moves 30 s per reading: 600 arrivals span several hours.
    let t = Date.parse('2026-11-21T09:50:00Z');
    const archive = await startRawArchive({
      brokers: brokers(),
      topic,
      groupId: uniquePrefix('archive-h'),
      dir,
      flushIntervalMs: 10 * 24 * 3_600_000,
      maxBytes: 10_000_000,
      now: () => (t += 30_000),
    });
    // 600 arrivals from 09:50 fill hours 09…13 (~500, flushed on each hour change); stop() writes hour 14.
    await waitFor(() => archive.stats.records >= 480, 60_000, 'hour rotations');
    await archive.stop();

    const files = await listFiles(dir);
    const hours = files.map((f) => /hour=(\d{2})/.exec(f)?.[1]);
    expect(new Set(hours).size).toBe(hours.length); // one file per hour: size and interval never triggered
    expect(hours.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      // At most 3600 s / 30 s arrivals fit one hour: a file mixing hours would exceed it.
      const lines =
        gunzipSync(await readFile(join(dir, file)))
          .toString('latin1')
          .split('\n').length - 1;
      expect(lines, file).toBeLessThanOrEqual(120);
    }
    expect((await archivedLines(dir)).sort()).toEqual(
      Array.from({ length: 600 }, (_, i) => recordValue(i).toString('hex')).sort(),
    );
  });
});
