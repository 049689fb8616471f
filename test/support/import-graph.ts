/**
 * The repository's import graph, read from source text: every `import … from`, `export … from`, dynamic `import()`
 * and `vi.mock()` specifier of every TypeScript file, with aliases resolved through package.json "imports".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

export interface ImportEdge {
  /** Repository-relative path of the importing file. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path it resolves to, or null for a package (`node:fs`, `aws-cdk-lib`, …). */
  to: string | null;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.mock\(\s*)(['"])([^'"\n]+)\1/g;

/** Alias prefix → repository folder, from package.json "imports" (`#core/*` → `lambda/core/`). */
export const aliasesOf = (packageJson: { imports?: Record<string, string> }): Map<string, string> =>
  new Map(
    Object.entries(packageJson.imports ?? {}).map(([alias, target]) => [
      alias.replace(/\*$/, ''),
      posix.normalize(target.replace(/\*$/, '')).replace(/^\.\//, ''),
    ]),
  );

/** Where a specifier written in `from` points, or null when it names a package. */
export const resolveSpecifier = (
  from: string,
  specifier: string,
  aliases: ReadonlyMap<string, string>,
): string | null => {
  if (specifier.startsWith('.')) return posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const [prefix, folder] of aliases)
    if (specifier.startsWith(prefix)) return folder + specifier.slice(prefix.length);
  return null;
};

/** The import edges of one source text. */
export const edgesOf = (from: string, source: string, aliases: ReadonlyMap<string, string>): ImportEdge[] =>
  [...source.matchAll(SPECIFIER)].map((match) => {
    const specifier = match[2] ?? '';
    return { from, specifier, to: resolveSpecifier(from, specifier, aliases) };
  });

const SKIPPED = new Set(['node_modules', 'cdk.out', '.local', '.git']);

const sourceFiles = (root: string, folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(root, path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Every import edge of the TypeScript files under the given top-level folders. */
export const importGraph = (root: string, folders: readonly string[]): ImportEdge[] => {
  const aliases = aliasesOf(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  return folders.flatMap((folder) =>
    sourceFiles(root, folder).flatMap((file) =>
      edgesOf(relative(root, join(root, file)), readFileSync(join(root, file), 'utf8'), aliases),
    ),
  );
};
