import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationFrom } from '#scripts/cost/calibration.ts';
import { main } from '#scripts/cost.ts';
import { sampleResults } from '#test/support/bench-fixtures.ts';

const run = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv, (text) => out.push(text));
    return { code, out: out.join('\n'), err: err.join('') };
  } finally {
    process.stderr.write = write;
  }
};

const missing = join(tmpdir(), 'fleetstream-no-such-results.json');
const HUNDRED_DEVICES = ['--devices', '100', '--rate', '1000', '--record-bytes', '1024'];

describe('npm run cost', () => {
  it('prints both designs with totals and the dated price table', async () => {
    const { code, out } = await run([...HUNDRED_DEVICES, '--results', missing]);
    expect(code).toBe(0);
    expect(out).toMatch(/FleetStream \(coalesced/);
    expect(out).toMatch(/Naive design/);
    expect(out).toMatch(/checked on \d{4}-\d{2}-\d{2}/);
    expect(out).toMatch(/Calibration: defaults/);
    expect(out).toMatch(/^total\s+\$[\d,.]+\s+\$[\d,.]+$/m);
  });

  it('answers JSON with --json', async () => {
    const { code, out } = await run([
      '--devices',
      '10',
      '--rate',
      '5',
      '--record-bytes',
      '300',
      '--json',
      '--results',
      missing,
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.region).toBe('us-east-1');
    expect(doc.fleetstream.totalUsd).toBeGreaterThan(0);
    expect(doc.naive.itemWritesPer1k).toBe(1000);
  });

  it.each([
    [['--rate', '1', '--record-bytes', '1'], /--devices is required/],
    [['--devices', '1.5', '--rate', '1', '--record-bytes', '1'], /--devices must be an integer/],
    [['--devices', '1', '--rate=0', '--record-bytes', '1'], /--rate must be > 0/],
    [
      ['--devices', '1', '--rate', '1', '--record-bytes', '1', '--region', 'mars-1'],
      /--region must be one of/,
    ],
    [['--devices', '1', '--rate', '1', '--record-bytes', '1', '--bogus'], /Unknown option/],
    [
      ['--devices', '1', '--rate', '1', '--record-bytes', '1', '--calibration', 'cold'],
      /--calibration must be one of/,
    ],
    [
      ['--devices', '1', '--rate', '1', '--record-bytes', '1', '--records-per-report', '0.5'],
      /--records-per-report must be >= 1/,
    ],
  ])('exits 2 with the usage line on bad flags %#', async (argv, message) => {
    const { code, err } = await run([...argv, '--results', missing]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/usage: npm run cost/);
  });

  it('takes records per report and says so', async () => {
    const argv = [
      '--devices',
      '5000',
      '--rate',
      '10000',
      '--record-bytes',
      '1024',
      '--json',
      '--results',
      missing,
    ];
    const single = JSON.parse((await run(argv)).out);
    const reports = await run([...argv, '--records-per-report', '3']);
    expect(reports.code).toBe(0);
    const doc = JSON.parse(reports.out);
    expect(doc.assumptions.recordsPerReport).toBe(3);
    expect(doc.fleetstream.itemWritesPer1k).toBeLessThan(single.fleetstream.itemWritesPer1k);
    const text = await run([...argv.filter((a) => a !== '--json'), '--records-per-report', '3']);
    expect(text.out).toMatch(/, 3 records per report/);
  });

  it('calibrates from a results file and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-cost-'));
    const path = join(dir, 'latest.json');
    await writeFile(path, JSON.stringify(sampleResults()));
    const { code, out } = await run([...HUNDRED_DEVICES, '--results', path]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`Calibration: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('refuses a malformed results file with a clear error (exit 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-cost-'));
    const path = join(dir, 'latest.json');
    await writeFile(path, '{"generator": {}}');
    const { code, err } = await run([
      '--devices',
      '1',
      '--rate',
      '1',
      '--record-bytes',
      '1',
      '--results',
      path,
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/generator\.recordsPerSec/);
  });

  it('prices MSK on the bench-measured bytes on the wire with --compression, and the lake on uncompressed values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-cost-'));
    const path = join(dir, 'latest.json');
    const codec = { bytesPerRecord: 20, ratio: 0.25, encodeRecordsPerSec: 1, producerRecordsPerSec: 1 };
    const none = { ...codec, bytesPerRecord: 80, ratio: 1 };
    const compression = { none, gzip: codec, snappy: codec, lz4: codec, zstd: codec };
    await writeFile(path, JSON.stringify({ ...sampleResults(), compression }));
    const args = [...HUNDRED_DEVICES, '--partitions', '6', '--results', path, '--json'];
    type Line = { service: string; item: string; usd: number };
    const report = async (extra: string[]) => {
      const { code, out } = await run([...args, ...extra]);
      expect(code).toBe(0);
      return JSON.parse(out) as { fleetstream: { lines: Line[] }; calibrationSource: string };
    };
    const usd = (r: { fleetstream: { lines: Line[] } }, service: string, item: RegExp) =>
      r.fleetstream.lines.find((l) => l.service === service && item.test(l.item))?.usd ?? Number.NaN;
    const plain = await report([]);
    const zstd = await report(['--compression', 'zstd']);
    expect(usd(zstd, 'MSK Serverless', /^data in$/)).toBeCloseTo(
      usd(plain, 'MSK Serverless', /^data in$/) * 0.25,
      6,
    );
    expect(usd(zstd, 'MSK Serverless', /^storage/)).toBeCloseTo(
      usd(plain, 'MSK Serverless', /^storage/) * 0.25,
      6,
    );
    expect(usd(zstd, 'Firehose', /MSK/)).toBe(usd(plain, 'Firehose', /MSK/));
    expect(zstd.calibrationSource).toMatch(/zstd on the wire ×0\.25 \(bench results\)/);
  });

  it('measures the ratio itself when the results have none, and refuses an unknown codec (exit 2)', async () => {
    const { code, out } = await run([...HUNDRED_DEVICES, '--results', missing, '--compression', 'lz4']);
    expect(code).toBe(0);
    expect(out).toMatch(/lz4: ×0\.\d+ on the wire/);
    expect(out).toMatch(/measured now on the generator stream/);
    const bad = await run([...HUNDRED_DEVICES, '--results', missing, '--compression', 'brotli']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--compression must be one of none, gzip, snappy, lz4, zstd/);
  });
});

describe('calibrationFrom', () => {
  it('takes unit sizes from the workloads in the model calibration', () => {
    const c = calibrationFrom(sampleResults(), 'model', 'x.json');
    // fixture: fleetstream writes 4 + 400 per 1k, WCU 8 + 800 → 2 WCU per write
    expect(c.fleetstream.wcuPerItemWrite).toBeCloseTo(2, 10);
    expect(c.fleetstream.measuredWritesPer1k).toBeUndefined();
  });
  it('takes the larger workload WCU per item write, never below AWS minimum of 1', () => {
    const r = sampleResults();
    r.workloads.hot.fleetstream.ddbWcuPer1k = 12; // 3 per write on 4 writes/1k, wide stays at 2
    expect(calibrationFrom(r, 'model', 'x.json').fleetstream.wcuPerItemWrite).toBeCloseTo(3, 10);
    r.workloads.hot.fleetstream.ddbWcuPer1k = 2;
    r.workloads.wide.fleetstream.ddbWcuPer1k = 200; // a results file from before the bench billed as AWS does
    expect(calibrationFrom(r, 'model', 'x.json').fleetstream.wcuPerItemWrite).toBe(1);
  });
  it('fits CPU per record and per DynamoDB write through the two workloads', () => {
    const r = sampleResults();
    r.workloads.hot.fleetstream.cpuMsPer1k = 70; // 4 writes/1k
    r.workloads.wide.fleetstream.cpuMsPer1k = 466; // 400 writes/1k
    const c = calibrationFrom(r, 'model', 'x.json');
    expect(c.fleetstream.cpuMsPerItemWrite).toBeCloseTo(1, 10);
    expect(c.fleetstream.cpuMsPer1k).toBeCloseTo(66, 10);
  });
  it('takes read units per item read from the bench split (eventually consistent first reads), else 1', () => {
    const r = sampleResults();
    expect(calibrationFrom(r, 'model', 'x.json').fleetstream.rruPerItemRead).toBe(1);
    const units = (rcu: number) => ({
      wcuPer1k: { device: 0, window: 0, fleet: 0, alert: 0, other: 0, index: 0 },
      rcuPer1k: { device: rcu, window: 0, fleet: 0, alert: 0, other: 0 },
      itemBytes: Object.fromEntries(
        ['device', 'window', 'fleet', 'alert', 'other'].map((k) => [k, { p50: 0, p99: 0 }]),
      ) as never,
    });
    r.workloads.hot.fleetstream.units = units(2); // 4 reads/1k
    r.workloads.wide.fleetstream.units = units(200); // 400 reads/1k
    expect(calibrationFrom(r, 'model', 'x.json').fleetstream.rruPerItemRead).toBeCloseTo(0.5, 10);
    expect(calibrationFrom(r, 'hot', 'x.json').fleetstream.rruPerItemRead).toBeCloseTo(0.5, 10);
  });
  it('takes a workload as measured in the hot calibration', () => {
    const c = calibrationFrom(sampleResults(), 'hot', 'x.json');
    expect(c.fleetstream.measuredWritesPer1k).toBe(4);
    expect(c.naive.measuredWritesPer1k).toBe(1000);
  });
  it('needs results for a measured calibration', () => {
    expect(() => calibrationFrom(undefined, 'wide', 'x.json')).toThrow(/npm run bench/);
  });
});
