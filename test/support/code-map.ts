/**
 * The code map of docs/ARCHITECTURE.md as data: the paths its table lists (first column, backticked), and the source
 * folders a newcomer must find in it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Every backticked path in the first column of the "## Code map" table. */
export const codeMapPaths = (markdown: string): string[] => {
  const section = markdown.split(/^## Code map\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''));
};

/** True when a listed path names something in the tree: a folder (`x/`), a file, or a glob with at least one match. */
export const pathExists = (root: string, listed: string): boolean => {
  if (listed.includes('*')) {
    const folder = posix.dirname(listed);
    const pattern = new RegExp(`^${posix.basename(listed).replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
    return (
      existsSync(join(root, folder)) && readdirSync(join(root, folder)).some((name) => pattern.test(name))
    );
  }
  const path = join(root, listed);
  if (!existsSync(path)) return false;
  return listed.endsWith('/') ? statSync(path).isDirectory() : statSync(path).isFile();
};

/** The folder a listed path covers: `x/` itself, or the folder holding a listed file or glob. */
export const coveredFolder = (listed: string): string =>
  listed.endsWith('/') ? listed.slice(0, -1) : posix.dirname(listed);

/** The source trees and their direct subfolders (`lambda/core`, `scripts/bench`, …), which the map must list. */
export const sourceFolders = (root: string, trees: readonly string[]): string[] =>
  trees.flatMap((tree) => [
    tree,
    ...readdirSync(join(root, tree), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
      .map((entry) => `${tree}/${entry.name}`),
  ]);
