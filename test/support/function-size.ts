/**
 * Function size as the issue-20 rule counts it: every function (declaration, expression, arrow, method,
 * constructor) with its line span and positional parameters. TypeScript 7 has no JS compiler API, so the source is
 * read with the parser the test runner already ships (rolldown's oxc-based `parseAst`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAst } from 'rolldown/parseAst';

export interface FunctionSize {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly lines: number;
  readonly params: number;
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

const nameOf = (node: Node, parent: Node | undefined): string => {
  const id = (node.id ?? parent?.id ?? parent?.key) as Node | null | undefined;
  return typeof id?.name === 'string' ? id.name : '(anonymous)';
};

/** Every function in one file's source text. */
export const functionSizes = (file: string, text: string): FunctionSize[] => {
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const out: FunctionSize[] = [];
  const visit = (node: Node, parent: Node | undefined) => {
    if (FUNCTIONS.has(node.type) && node.body !== null) {
      const params = (node.params as Node[]).filter((p) => !(p.type === 'Identifier' && p.name === 'this'));
      const line = lineAt(node.start);
      out.push({
        file,
        line,
        name: nameOf(node, parent),
        lines: lineAt(node.end) - line + 1,
        params: params.length,
      });
    }
    for (const value of Object.values(node)) {
      for (const child of [value].flat()) if (isNode(child)) visit(child, node);
    }
  };
  visit(parseAst(text, { lang: 'ts' }, file) as unknown as Node, undefined);
  return out;
};

/** Every function of every .ts file under `dir` (repository-relative paths). */
export const functionSizesUnder = (root: string, dir: string): FunctionSize[] =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .flatMap((path) => {
      const full = join(root, dir, path);
      return functionSizes(relative(root, full), readFileSync(full, 'utf8'));
    });
