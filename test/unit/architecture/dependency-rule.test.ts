import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerOf, mayImport, violationOf } from '#test/support/dependency-rule.ts';
import { aliasesOf, edgesOf, importGraph } from '#test/support/import-graph.ts';

const root = resolve(import.meta.dirname, '../../..');
// Sources are built from specifiers at run time so this file's own text holds no violating import.
const staticImport = (specifier: string): string => `import { x } from '${specifier}';`;
const dynamicImport = (specifier: string): string => `const m = await import('${specifier}');`;
const reExport = (specifier: string): string => `export { x } from '${specifier}';`;
const aliases = aliasesOf({
  imports: { '#core/*': './lambda/core/*', '#lambda/*': './lambda/*', '#scripts/*': './scripts/*' },
});

describe('dependency rule (docs/ARCHITECTURE.md)', () => {
  it('holds for every import in the repository', () => {
    const graph = importGraph(root, ['bin', 'lib', 'lambda', 'scripts', 'test']);
    // The graph is real: a file known to import the core is in it (an empty graph would pass vacuously).
    expect(
      graph.some((e) => e.from === 'lambda/state-processor/handler.ts' && e.to?.startsWith('lambda/core/')),
    ).toBe(true);
    expect(graph.map(violationOf).filter((v) => v !== null)).toEqual([]);
  });

  it('places files in layers', () => {
    expect(layerOf('lambda/core/record.ts')).toBe('lambda/core');
    expect(layerOf('lambda/lookup-api/router.ts')).toBe('lambda/lookup-api');
    expect(layerOf('lib/constructs/network.ts')).toBe('lib');
    expect(layerOf('scripts/bench/run.ts')).toBe('scripts');
  });

  it.each([
    ['lambda/load-generator/handler.ts', staticImport('#scripts/generator/run.ts'), 'scripts'],
    ['lib/stateful-stack.ts', staticImport('../bin/config.ts'), 'relative'],
    ['lib/stateful-stack.ts', staticImport('#scripts/shared/cli.ts'), 'scripts'],
    ['lambda/adapters/state-store.ts', staticImport('#lambda/state-processor/ports.ts'), 'lambda'],
    ['lambda/core/record.ts', staticImport('@aws-sdk/client-dynamodb'), 'pure'],
    ['lambda/core/record.ts', reExport('#lambda/adapters/env.ts'), 'adapters'],
    ['lambda/notifier/handler.ts', dynamicImport('#lambda/lookup-api/app.ts'), 'lookup-api'],
    ['lambda/generator/run.ts', staticImport('#lambda/adapters/env.ts'), 'adapters'],
  ])('refuses %s importing: %s', (file, source, reason) => {
    const [edge] = edgesOf(file, source, aliases);
    expect(edge).toBeDefined();
    expect(violationOf(edge as NonNullable<typeof edge>)).toContain(reason);
  });

  it.each([
    ['lambda/load-generator/handler.ts', "import { runGenerator } from '#lambda/generator/run.ts';"],
    ['lambda/state-processor/handler.ts', "import { x } from '#adapters/env.ts';"],
    ['lambda/core/record.ts', "import { createHash } from 'node:crypto';"],
    ['lambda/core/record.ts', "import { x } from './items.ts';"],
    ['scripts/bench/run.ts', "import { x } from '#core/record.ts';"],
  ])('allows %s importing: %s', (file, source) => {
    const [edge] = edgesOf(file, source, aliases);
    expect(edge).toBeDefined();
    expect(violationOf(edge as NonNullable<typeof edge>)).toBeNull();
  });

  it('keeps the direction: nothing shipped or synthesized imports tooling', () => {
    for (const inner of [
      'bin',
      'lib',
      'lambda/core',
      'lambda/adapters',
      'lambda/generator',
      'lambda/notifier',
    ])
      for (const outer of ['scripts', 'test']) expect(mayImport(inner, outer)).toBe(false);
    expect(mayImport('lib', 'bin')).toBe(false);
  });
});
