/**
 * Guard: no plain-object map keyed by data in the Lambda code (core, adapters, handlers). A literal `{}` typed as a
 * string-keyed map, or a spread copy of a data map, lets a key such as `constructor` or `__proto__` read or replace
 * an inherited member; use `Map`, `nullMap()` (lambda/core/data-map.ts) or own-property checks instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = 'lambda';
const PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'plain {} typed as a string-keyed map', pattern: /Record<string,[^>]+>\s*=\s*\{/ },
  { name: 'plain {} typed as a data map', pattern: /:\s*(Registry|Counts|Offsets|RegistryRow)\s*=\s*\{/ },
  {
    name: 'spread copy of a data map',
    pattern: /\{\s*\.\.\.[\w?.()]*\b(by[A-Z]\w*|registry|counts|offsets|row|query|headers)\b[\w?.()]*\s*\}/,
  },
  { name: 'plain {} typed as an indexed map type', pattern: /:\s*\w+\[['"]\w+['"]\]\s*=\s*\{\s*\}/ },
  { name: 'reduce into a plain {}', pattern: /\breduce\b.*,\s*\{\}\s*\)/ },
];

/** Each violation in a source text, as `line: pattern name`. Comments are not code. */
const violations = (source: string): string[] =>
  source.split('\n').flatMap((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return [];
    return PATTERNS.filter((p) => p.pattern.test(line)).map((p) => `${i + 1}: ${p.name}`);
  });

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

describe('data-keyed maps guard', () => {
  it('flags deliberate violations and passes the safe forms', () => {
    expect(violations('const byModel: Record<string, number> = {};')).toHaveLength(1);
    expect(violations('  const registry: Registry = { deviceId };')).toHaveLength(1);
    expect(violations('const next = { ...current?.byModel };')).toHaveLength(1);
    expect(violations('const copy = { ...registry };')).toHaveLength(1);
    expect(
      violations('const totals = items.reduce<Record<string, number>>((acc, x) => acc, {});'),
    ).toHaveLength(1);
    expect(violations("const byModel: FleetView['byModel'] = {};")).toHaveLength(1);
    expect(violations('const byModel = nullMap<number>();')).toEqual([]);
    expect(violations('const byModel = new Map<string, number>();')).toEqual([]);
    expect(violations('// a comment: const r: Record<string, number> = {};')).toEqual([]);
  });

  it('finds none in lambda/', () => {
    const found = new Map<string, string[]>();
    for (const file of sources(ROOT)) {
      const lines = violations(readFileSync(file, 'utf8'));
      if (lines.length > 0) found.set(relative(ROOT, file), lines);
    }
    expect([...found]).toEqual([]);
  });
});
