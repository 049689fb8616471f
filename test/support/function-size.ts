/**
 * The size of every function in TypeScript source: lines (from its first to its last line, nested functions included)
 * and positional parameters (a destructured object counts once; `this` does not count). Parsed with the parser the
 * test runner ships (oxc, through vitest/node), so the scan sees real syntax, not text patterns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseAst } from 'vitest/node';

export interface FunctionSize {
  /** `path:line name`. */
  where: string;
  lines: number;
  params: number;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

interface AstNode {
  type: string;
  start: number;
  end: number;
  params?: { type: string; name?: string }[];
  id?: { name?: string } | null;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/** Line number (1-based) of each offset, by binary search over line starts. */
const lineIndex = (source: string) => {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return (offset: number): number => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
};

/** A function's name: its own, or that of the variable, property or method it is assigned to. */
const nameOf = (node: AstNode, parent: AstNode | undefined): string => {
  if (node.id?.name) return node.id.name;
  const key = parent?.id ?? parent?.key;
  return isNode(key) && typeof key.name === 'string' ? key.name : '(anonymous)';
};

/** Every function of one source text with its size. */
export const functionSizes = (path: string, source: string): FunctionSize[] => {
  const lineOf = lineIndex(source);
  const out: FunctionSize[] = [];
  const visit = (node: AstNode, parent: AstNode | undefined) => {
    if (FUNCTIONS.has(node.type) && node.body) {
      // A method's function starts at its parameters: measure from the method (its name) instead.
      const from = parent?.type === 'MethodDefinition' ? parent.start : node.start;
      const params = (node.params ?? []).filter((p) => !(p.type === 'Identifier' && p.name === 'this'));
      out.push({
        where: `${path}:${lineOf(from)} ${nameOf(node, parent)}`,
        lines: lineOf(node.end - 1) - lineOf(from) + 1,
        params: params.length,
      });
    }
    for (const value of Object.values(node))
      for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) visit(child, node);
  };
  visit(parseAst(source, { lang: 'ts' }, path) as unknown as AstNode, undefined);
  return out;
};

const tsFiles = (root: string, folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

/** The functions under the given folders that break the limits. */
export const oversizedFunctions = (
  root: string,
  folders: readonly string[],
  limits: { maxLines: number; maxParams: number },
): string[] =>
  folders.flatMap((folder) =>
    tsFiles(root, folder).flatMap((file) =>
      functionSizes(file, readFileSync(join(root, file), 'utf8'))
        .filter((f) => f.lines > limits.maxLines || f.params > limits.maxParams)
        .map((f) => `${f.where}: ${f.lines} lines, ${f.params} positional parameters`),
    ),
  );
