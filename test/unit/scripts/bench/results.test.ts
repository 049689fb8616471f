import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyEvents } from '#scripts/bench/floor.ts';
import { designResult, parseResults, readLatestResults, resultsShapeErrors } from '#scripts/bench/results.ts';
import { percentile } from '#scripts/bench/stats.ts';
import { sampleResults } from '#test/support/bench-fixtures.ts';

/** A valid units split for one design: every item kind, plus index writes. */
const sampleUnits = () => {
  const kinds = ['device', 'window', 'fleet', 'alert', 'other'] as const;
  const zero = Object.fromEntries(kinds.map((k) => [k, 0]));
  return {
    wcuPer1k: { ...zero, index: 1 },
    rcuPer1k: zero,
    itemBytes: Object.fromEntries(kinds.map((k) => [k, { p50: 600, p99: 620 }])),
  };
};

describe('designResult', () => {
  it('normalises raw counts per 1,000 records and per handler second', () => {
    const r = designResult(
      {
        records: 20_000,
        handlerMs: 4_000,
        cpuMs: 1_000,
        itemWrites: 80,
        itemReads: 120,
        wcu: 200,
        freshnessMs: [10, 20, 30, 40],
      },
      percentile,
    );
    expect(r).toEqual({
      recordsPerSec: 5000,
      ddbWriteRequestsPer1k: 4,
      ddbReadRequestsPer1k: 6,
      ddbWcuPer1k: 10,
      cpuMsPer1k: 50,
      freshnessP50Ms: 20,
      freshnessP99Ms: 40,
    });
  });
  it('is all zeros, not NaN, for an empty run', () => {
    const r = designResult(
      { records: 0, handlerMs: 0, cpuMs: 0, itemWrites: 0, itemReads: 0, wcu: 0, freshnessMs: [] },
      percentile,
    );
    expect(Object.values(r).every((v) => v === 0)).toBe(true);
  });
});

describe('results shape (scripts/bench/results.ts)', () => {
  it('accepts exactly the contract', () => {
    expect(resultsShapeErrors(sampleResults())).toEqual([]);
  });
  it('rejects a missing figure', () => {
    const doc = sampleResults() as unknown as { api: Record<string, unknown> };
    delete doc.api.p99Ms;
    expect(resultsShapeErrors(doc)).toContain('api.p99Ms must be a number >= 0');
  });
  it('rejects fields outside the contract', () => {
    const doc = { ...sampleResults(), extra: 1 };
    expect(resultsShapeErrors(doc)).toContain('extra is not in the contract');
    const withDesignExtra = sampleResults() as unknown as {
      workloads: { hot: { naive: Record<string, unknown> } };
    };
    withDesignExtra.workloads.hot.naive.rcuPer1k = 3;
    expect(resultsShapeErrors(withDesignExtra)).toContain(
      'workloads.hot.naive.rcuPer1k is not in the contract',
    );
  });
  it('accepts the optional units split, checked like the rest', () => {
    const doc = sampleResults();
    doc.workloads.hot.fleetstream.units = sampleUnits() as never;
    expect(resultsShapeErrors(doc)).toEqual([]);
    (
      doc.workloads.hot.fleetstream.units as unknown as { rcuPer1k: Record<string, unknown> }
    ).rcuPer1k.device = -1;
    expect(resultsShapeErrors(doc)).toContain(
      'workloads.hot.fleetstream.units.rcuPer1k.device must be a number >= 0',
    );
  });
  it('accepts the optional floors of a units split, checked like the rest', () => {
    const doc = sampleResults();
    const units = {
      ...sampleUnits(),
      floor: {
        strictWcuPer1k: 20,
        exactlyOnceWcuPer1k: 22,
        eventsPer1k: { ...emptyEvents(), deviceBatches: 14 },
      },
    };
    doc.workloads.hot.fleetstream.units = units as never;
    expect(resultsShapeErrors(doc)).toEqual([]);
    units.floor = { ...units.floor, exactlyOnceWcuPer1k: Number.NaN, surplus: 1 } as never;
    expect(resultsShapeErrors(doc)).toEqual([
      'workloads.hot.fleetstream.units.floor.surplus is not in the contract',
      'workloads.hot.fleetstream.units.floor.exactlyOnceWcuPer1k must be a number >= 0',
    ]);
  });
  it('rejects a missing workload or design, and non-numbers', () => {
    const doc = sampleResults() as unknown as { workloads: Record<string, unknown> };
    delete doc.workloads.wide;
    expect(resultsShapeErrors(doc)).toContain('workloads.wide must be an object');
    const bad = sampleResults() as unknown as { generator: Record<string, unknown> };
    bad.generator.mbPerSec = 'fast';
    expect(resultsShapeErrors(bad)).toContain('generator.mbPerSec must be a number >= 0');
  });
  it('takes the per-codec compression figures as an optional, checked part', () => {
    const codec = { bytesPerRecord: 20, ratio: 0.1, encodeRecordsPerSec: 9, producerRecordsPerSec: 9 };
    const compression = { none: { ...codec, ratio: 1 }, gzip: codec, snappy: codec, lz4: codec, zstd: codec };
    expect(resultsShapeErrors({ ...sampleResults(), compression })).toEqual([]);
    const { zstd: _zstd, ...missingZstd } = compression;
    expect(resultsShapeErrors({ ...sampleResults(), compression: missingZstd })).toContain(
      'compression.zstd must be an object',
    );
    expect(
      resultsShapeErrors({ ...sampleResults(), compression: { ...compression, brotli: codec } }),
    ).toContain('compression.brotli is not in the contract');
  });
  it('parseResults names the file and the first problems', () => {
    expect(() => parseResults('{', 'x.json')).toThrow(/x.json: not JSON/);
    expect(() => parseResults('[]', 'x.json')).toThrow(/x.json: results must be an object/);
  });
  it('readLatestResults: undefined when absent, the document when valid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-bench-'));
    expect(await readLatestResults(join(dir, 'missing.json'))).toBeUndefined();
    const path = join(dir, 'latest.json');
    await writeFile(path, JSON.stringify(sampleResults()));
    expect((await readLatestResults(path))?.workloads.hot.devices).toBe(100);
  });
});
