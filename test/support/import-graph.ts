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

/**
 * The import cycles of a graph: its strongly connected components with more than one file (or a file importing
 * itself), each sorted, found by Tarjan's algorithm. Package imports (`to === null`) are left out.
 */
export const importCycles = (edges: readonly ImportEdge[]): string[][] => {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.to !== null) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) as number, index.get(to) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (next.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return cycles;
};
