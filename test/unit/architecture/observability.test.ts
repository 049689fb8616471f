import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph } from '#test/support/import-graph.ts';

const root = resolve(import.meta.dirname, '../../..');
const graph = importGraph(root, ['lambda']);
const handlers = [...new Set(graph.map((e) => e.from))].filter((f) => /^lambda\/[^/]+\/handler\.ts$/.test(f));

// Every function logs and counts through the one entry (lambda/adapters/observability.ts), so all log alike.
describe('observability entry', () => {
  it('is imported by every Lambda handler', () => {
    expect(handlers.length).toBeGreaterThanOrEqual(5);
    const missing = handlers.filter(
      (h) => !graph.some((e) => e.from === h && e.to === 'lambda/adapters/observability.ts'),
    );
    expect(missing).toEqual([]);
  });

  it('keeps Powertools behind the adapters: no function builds its own logger or metrics', () => {
    const powertools = graph.filter((e) => e.specifier.startsWith('@aws-lambda-powertools/'));
    expect(powertools.some((e) => e.from === 'lambda/adapters/observability.ts')).toBe(true);
    expect(powertools.filter((e) => !e.from.startsWith('lambda/adapters/')).map((e) => e.from)).toEqual([]);
  });

  it('gives the lookup API, the notifier and the topic admin the one log port, not a callback of their own', () => {
    for (const fn of ['lookup-api', 'notifier', 'topic-admin']) {
      const source = readFileSync(resolve(root, `lambda/${fn}/handler.ts`), 'utf8');
      expect(source, fn).toContain("functionLog('");
      expect(source, fn).not.toMatch(/functionLogger\(|\blogger\[/);
    }
  });
});
