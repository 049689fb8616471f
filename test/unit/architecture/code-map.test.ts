import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeMapPaths, coveredFolder, pathExists, sourceFolders } from '#test/support/code-map.ts';

const root = resolve(import.meta.dirname, '../../..');
const listed = codeMapPaths(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'));

describe('docs/ARCHITECTURE.md code map', () => {
  it('lists only paths that exist', () => {
    expect(listed.length).toBeGreaterThan(30);
    expect(listed.filter((path) => !pathExists(root, path))).toEqual([]);
  });

  it('lists every source tree and each of its folders', () => {
    const covered = new Set(listed.map(coveredFolder));
    const folders = sourceFolders(root, ['bin', 'lib', 'lambda', 'scripts', 'test']);
    expect(folders).toContain('lambda/core');
    // A tree is listed through its entries (`lambda/core/`, …); each of its folders must be listed itself.
    const isListed = (folder: string) =>
      covered.has(folder) || (!folder.includes('/') && listed.some((path) => path.startsWith(`${folder}/`)));
    expect(folders.filter((folder) => !isListed(folder))).toEqual([]);
  });

  it('reads the map the way it is written', () => {
    const map = [
      '## Code map',
      '| Path | Its one job |',
      '|---|---|',
      '| `lib/a.ts`, `lib/b/` | x `not/a/path` |',
      '| `scripts/*.ts` | y |',
      '## Next',
      '| `ignored/` | z |',
    ].join('\n');
    expect(codeMapPaths(map)).toEqual(['lib/a.ts', 'lib/b/', 'scripts/*.ts']);
    expect(codeMapPaths(map).map(coveredFolder)).toEqual(['lib', 'lib/b', 'scripts']);
    expect(pathExists(root, 'scripts/*.ts')).toBe(true);
    expect(pathExists(root, 'scripts/nothing-*.ts')).toBe(false);
    expect(pathExists(root, 'lambda/core/')).toBe(true);
    expect(pathExists(root, 'lambda/core/record.ts/')).toBe(false);
  });
});
