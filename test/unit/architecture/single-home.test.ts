import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '#test/support/import-graph.ts';

const root = resolve(import.meta.dirname, '../../..');
const SHIPPED = ['bin', 'lib', 'lambda', 'scripts'];

/**
 * Defaults and service limits each have one home; a literal that restates one elsewhere is a second copy waiting to
 * drift (issue 20). Each pattern finds the restated value in the shapes it was written in before.
 */
const SINGLE_HOMES: readonly {
  what: string;
  pattern: RegExp;
  home: string;
  /** Files where the same number is another quantity, each with the reason. */
  unrelated?: Readonly<Record<string, string>>;
}[] = [
  {
    what: 'window retention default (7 days)',
    pattern: /(?:windowRetention\w*|WINDOW_RETENTION\w*|retentionDays)\W{1,12}7\b/,
    home: 'lambda/core/contract/defaults.ts',
  },
  {
    what: 'rules/registry cache TTL defaults (30 s / 60 s)',
    pattern: /(?:ttlSeconds|CacheSeconds|CACHE_SECONDS)\W{1,12}(?:30|60)\b/,
    home: 'lambda/core/contract/defaults.ts',
  },
  {
    what: 'Lambda batch size limit (10,000)',
    pattern: /batch[^\n]{0,40}\b10_?000\b/i,
    home: 'lambda/core/contract/limits.ts',
  },
  { what: 'Lambda memory limit (10,240 MB)', pattern: /\b10_?240\b/, home: 'lambda/core/contract/limits.ts' },
  {
    what: 'Lambda batching window limit (300 s)',
    pattern: /window[^\n]{0,40}\b300(?:_?000)?\b/i,
    home: 'lambda/core/contract/limits.ts',
    unrelated: {
      'lambda/core/contract/guardrails.ts': "WAF rate-based rules' evaluation windows (60–600 s)",
    },
  },
  {
    what: 'DynamoDB item and transaction sizes (400 KB, 4 MB)',
    pattern: /\b400 \* 1024\b|\b4 \* 1024 \* 1024\b/,
    home: 'lambda/core/contract/limits.ts',
  },
  {
    what: 'DynamoDB item counts per request (100)',
    pattern: /\b(?:ITEMS_PER_TRANSACTION|KEYS_PER_CALL|itemsPerTransaction|batchGetKeys)\s*[:=]\s*\d/,
    home: 'lambda/core/contract/limits.ts',
  },
  {
    what: 'processor metric names',
    pattern:
      /\b(?:RecordsProcessed|RecordsInvalid|DynamoDBWrites|AlertsRaised|BatchLagMs|OffsetsRewound)\s*:|\|\s*'(?:RecordsProcessed|RecordsInvalid|DynamoDBWrites|AlertsRaised|BatchLagMs|OffsetsRewound)'/,
    home: 'lambda/core/processor-metrics.ts',
  },
];

const SKIPPED = new Set(['node_modules', 'cdk.out', '.local', '.git']);
const filesUnder = (folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : filesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
const sources = SHIPPED.flatMap(filesUnder).map((path) => ({
  path,
  lines: readFileSync(join(root, path), 'utf8').split('\n'),
}));

/** `path:line: text` for every line outside `home` that matches. */
const restated = (
  files: readonly { path: string; lines: readonly string[] }[],
  pattern: RegExp,
  home: string,
): string[] =>
  files
    .filter((f) => f.path !== home)
    .flatMap((f) =>
      f.lines.flatMap((line, i) => (pattern.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])),
    );

describe('every default and service limit has one home', () => {
  it.each(SINGLE_HOMES)('$what: defined in $home only', ({ pattern, home, unrelated = {} }) => {
    // The pattern is live: it finds the definition in its home (a pattern that matches nothing guards nothing).
    expect(restated(sources, pattern, '(none)').some((hit) => hit.startsWith(`${home}:`))).toBe(true);
    const elsewhere = sources.filter((f) => !Object.hasOwn(unrelated, f.path));
    expect(restated(elsewhere, pattern, home)).toEqual([]);
  });

  it.each([
    ['lambda/x.ts', '  windowRetentionDays: numberEnv(ENV.windowRetentionDays, 7),'],
    ['lib/x.ts', '    const retentionDays = props.windowRetentionDays ?? 7;'],
    ['lambda/x.ts', '    ttlSeconds: options.rulesCacheSeconds ?? 30,'],
    ['scripts/x.ts', '  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {'],
    ['lib/x.ts', '    if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {'],
    ['lib/x.ts', '    if (windowSeconds < 0 || windowSeconds > 300) {'],
    ['lambda/x.ts', 'export const TRANSACTION_BYTES = 4 * 1024 * 1024;'],
    ['lambda/x.ts', 'export const ITEMS_PER_TRANSACTION = 100;'],
    ['lambda/x.ts', '  RecordsProcessed: MetricUnit.Count,'],
  ])('flags a restated literal (%s: %s)', (path, line) => {
    const hits = SINGLE_HOMES.flatMap(({ pattern, home }) =>
      restated([{ path, lines: [line] }], pattern, home),
    );
    expect(hits).toHaveLength(1);
  });
});

describe('import graph', () => {
  it('has no cycle anywhere (bin, lib, lambda, scripts, test)', () => {
    const graph = importGraph(root, [...SHIPPED, 'test']);
    expect(graph.length).toBeGreaterThan(500);
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one, of any length', () => {
    const edge = (from: string, to: string) => ({ from, specifier: to, to });
    expect(importCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual([
      ['a', 'b', 'c'],
    ]);
    expect(importCycles([edge('a', 'a')])).toEqual([['a']]);
    expect(importCycles([edge('a', 'b'), edge('b', 'c')])).toEqual([]);
  });
});
