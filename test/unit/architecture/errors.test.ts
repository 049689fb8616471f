import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetStreamError } from '#core/errors.ts';
import { HttpError } from '#lambda/lookup-api/http.ts';
import { UsageError } from '#scripts/shared/cli.ts';

const root = resolve(import.meta.dirname, '../../..');
const BASE = 'lambda/core/errors.ts';
const SKIPPED = new Set(['node_modules', 'cdk.out', '.local', '.git']);
const filesUnder = (folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : filesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

interface ErrorClass {
  readonly file: string;
  readonly name: string;
  readonly parent: string;
  /** The class body up to its first method or constructor body: where `name` is declared. */
  readonly head: string;
}

const CLASS = /class (\w+) extends (\w+)\s*\{([\s\S]*?)(?:\}|constructor|\w+\()/g;
/** Every `class X extends Y` whose Y ends in `Error`, with its file. */
const errorClasses = (files: readonly { path: string; text: string }[]): ErrorClass[] =>
  files.flatMap(({ path, text }) =>
    [...text.matchAll(CLASS)]
      .filter((m) => /Error$/.test(m[2] ?? ''))
      .map((m) => ({ file: path, name: m[1] ?? '', parent: m[2] ?? '', head: m[3] ?? '' })),
  );

/** Why an error class breaks the hierarchy rule, or null. */
const problemOf = (c: ErrorClass): string | null => {
  if (c.file === BASE) return null;
  if (/^(?:Error|TypeError|RangeError|SyntaxError)$/.test(c.parent))
    return `${c.file}: ${c.name} extends ${c.parent}; extend FleetStreamError (${BASE})`;
  if (!c.head.includes(`name = '${c.name}'`))
    return `${c.file}: ${c.name} does not name itself (override readonly name = '${c.name}')`;
  return null;
};

const sources = ['bin', 'lib', 'lambda', 'scripts']
  .flatMap(filesUnder)
  .map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));

describe('one error hierarchy', () => {
  it('every error class extends FleetStreamError and names itself', () => {
    const classes = errorClasses(sources);
    expect(classes.length).toBeGreaterThanOrEqual(12);
    expect(classes.map(problemOf).filter((p) => p !== null)).toEqual([]);
  });

  it.each([
    ['class LostError extends Error {\n  override name = "x";\n}', 'extend FleetStreamError'],
    ['class Quiet extends FleetStreamError {}', 'does not name itself'],
    [
      "class Other extends FleetStreamError {\n  override readonly name = 'Wrong';\n}",
      'does not name itself',
    ],
  ])('refuses %j', (text, reason) => {
    const [c] = errorClasses([{ path: 'scripts/x.ts', text: text.replace('Quiet', 'QuietError') }]);
    expect(c).toBeDefined();
    expect(problemOf(c as ErrorClass)).toContain(reason);
  });

  it('keeps each error’s own name and lets callers catch them all by the base', () => {
    const errors = [new HttpError(404, 'gone'), new UsageError('bad flag'), new FleetStreamError('x')];
    expect(errors.map((e) => e.name)).toEqual(['HttpError', 'UsageError', 'FleetStreamError']);
    expect(errors.every((e) => e instanceof FleetStreamError && e instanceof Error)).toBe(true);
    expect(new HttpError(404, 'gone').statusCode).toBe(404);
  });
});
