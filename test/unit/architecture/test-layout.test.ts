import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const SKIPPED = new Set(['node_modules', 'cdk.out', '.local', '.git', 'fixtures']);
const filesUnder = (folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : filesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Repository-wide rules, not one file's tests: the only folder of test/unit/ that mirrors no source folder. */
const RULES = 'test/unit/architecture';
/** Source file basename (`record`) → its paths. */
const sourcesByName = new Map<string, string[]>();
for (const path of ['bin', 'lib', 'lambda', 'scripts'].flatMap(filesUnder)) {
  const name = posix.basename(path, '.ts');
  sourcesByName.set(name, [...(sourcesByName.get(name) ?? []), path]);
}

/**
 * Where a unit test should be, or null when it is where it belongs. `test/unit/x/y.test.ts` tests `x/y.ts`; a test
 * named after no source file tests a behaviour of folder `x/` (the folder must exist); a test named after a source
 * file elsewhere is misplaced.
 */
const misplaced = (test: string, exists: (path: string) => boolean): string | null => {
  if (test.startsWith(`${RULES}/`)) return null;
  const mirrored = test.replace(/^test\/unit\//, '').replace(/\.test\.ts$/, '.ts');
  if (exists(mirrored)) return null;
  if (!exists(posix.dirname(mirrored))) return `${test}: no source folder ${posix.dirname(mirrored)}/`;
  const namesake = sourcesByName.get(posix.basename(mirrored, '.ts'));
  return namesake === undefined
    ? null
    : `${test}: named after ${namesake.join(', ')}; move it there or rename it`;
};

/** A file under test/ that is neither a test, a helper in test/support, a fixture, nor the integration setup. */
const strayHelper = (path: string): boolean =>
  !path.endsWith('.test.ts') &&
  !path.startsWith('test/support/') &&
  path !== 'test/integration/global-setup.ts' &&
  // A pure re-export left at a helper's old path for branches in flight is a pointer, not a helper.
  !/^(?:\/\/[^\n]*\n)*(?:export \* from '#test\/support\/[\w-]+\.ts';\n)+$/.test(
    readFileSync(join(root, path), 'utf8'),
  );

describe('tests are findable from the source', () => {
  const exists = (path: string) => existsSync(join(root, path));

  it('puts the test of x/y.ts at test/unit/x/y.test.ts, and behaviour tests in a mirrored folder', () => {
    const tests = filesUnder('test/unit').filter((p) => p.endsWith('.test.ts'));
    expect(tests.length).toBeGreaterThan(50);
    expect(tests.map((t) => misplaced(t, exists)).filter((p) => p !== null)).toEqual([]);
  });

  it('keeps helpers in test/support', () => {
    expect(filesUnder('test').filter(strayHelper)).toEqual([]);
  });

  it('flags a test named after a source file elsewhere, or in a folder with no source', () => {
    expect(misplaced('test/unit/lambda/state-processor/record.test.ts', exists)).toContain(
      'lambda/core/record.ts',
    );
    expect(misplaced('test/unit/lambda/nowhere/x.test.ts', exists)).toContain('no source folder');
    expect(misplaced('test/unit/lambda/core/record.test.ts', exists)).toBeNull();
    expect(misplaced('test/unit/lambda/state-processor/write-bounds.test.ts', exists)).toBeNull();
  });
});
