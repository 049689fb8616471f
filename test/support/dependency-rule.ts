/**
 * The dependency rule of docs/ARCHITECTURE.md as data: which layer a file belongs to and which layers it may import.
 * bin → lib → lambda/core; each lambda/<function> → lambda/adapters (+ lambda/generator) → lambda/core;
 * scripts/ and test/ may import lambda/ and lib/, never the other way round.
 */
import type { ImportEdge } from './import-graph.ts';

/** The layer of a repository-relative path: `lambda/<folder>` for code under lambda/, else its top-level folder. */
export const layerOf = (path: string): string => {
  const [top, second] = path.split('/');
  if (top === 'lambda' && second !== undefined && path.includes('/', 'lambda/'.length))
    return `lambda/${second}`;
  return top ?? path;
};

/** Layers shared by Lambda bundles: a function folder may import these, and they never import a function folder. */
const LAMBDA_SHARED = new Set(['lambda/core', 'lambda/adapters', 'lambda/generator']);

/** True when code in layer `from` may import code in layer `to`. */
export const mayImport = (from: string, to: string): boolean => {
  if (from === to) return true;
  switch (from) {
    case 'bin':
      return to === 'lib';
    case 'lib':
      return to === 'lambda/core';
    case 'lambda/core':
      return false;
    case 'lambda/adapters':
    case 'lambda/generator':
      return to === 'lambda/core';
    case 'scripts':
      return to === 'lib' || to.startsWith('lambda/');
    case 'test':
      return to !== 'bin';
    default:
      // A function folder (lambda/<function>): the shared Lambda layers only, never another function.
      return from.startsWith('lambda/') && LAMBDA_SHARED.has(to);
  }
};

/** Packages pure code may use: Node built-ins only (no AWS SDK, no CDK, no Kafka client). */
const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:');

/** Why an import edge breaks the rule, or null when it keeps it. */
export const violationOf = (edge: ImportEdge): string | null => {
  if (edge.specifier.startsWith('../'))
    return `${edge.from}: '${edge.specifier}' leaves its folder by a relative path; use an alias (#core/, #lib/, …)`;
  const from = layerOf(edge.from);
  if (edge.to === null) {
    if (from === 'lambda/core' && !isBuiltin(edge.specifier))
      return `${edge.from}: lambda/core is pure, yet imports the package '${edge.specifier}'`;
    return null;
  }
  const to = layerOf(edge.to);
  return mayImport(from, to) ? null : `${edge.from}: ${from} may not import ${to} ('${edge.specifier}')`;
};
