import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertItem } from '../../lambda/core/items.ts';
import { createLocalNotifier } from '../../lambda/notifier/local.ts';

const alert = (id: string): AlertItem => ({
  deviceId: 'dvc1',
  alertKey: `2026-11-21T10:15:30.123Z#${id}`,
  alertId: id,
  ruleId: 'cpu-high',
  severity: 'warning',
  message: 'CPU above 90%',
  at: '2026-11-21T10:15:30.123Z',
  day: '2026-11-21',
  model: 'EVG2000',
  registry: null,
  field: 'cpuusage',
  value: 95,
  topic: 'modem-telemetry',
  partition: 0,
  offset: 7,
});

describe('createLocalNotifier', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notifier-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a readable line and appends one JSON line per alert', async () => {
    const printed: string[] = [];
    const file = join(dir, 'nested', 'alerts.jsonl');
    const notifier = await createLocalNotifier({ file, print: (line) => printed.push(line) });
    expect(await notifier.notify(alert('a1'))).toBe(true);
    expect(await notifier.notify(alert('a2'))).toBe(true);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([alert('a1'), alert('a2')]);
    expect(printed).toHaveLength(2);
    expect(printed[0]).toBe(
      'ALERT [WARNING] cpu-high on dvc1 (EVG2000) at 2026-11-21T10:15:30.123Z: CPU above 90%',
    );
    expect(notifier.notified).toBe(2);
  });

  it('does not notify again an alert already in the file (a restart that re-reads the stream)', async () => {
    const file = join(dir, 'alerts.jsonl');
    // A torn last line (crash mid-append) must not stop the notifier from starting.
    await writeFile(file, `${JSON.stringify(alert('a1'))}\n{"alertId":"a2`);
    const printed: string[] = [];
    const notifier = await createLocalNotifier({ file, print: (line) => printed.push(line) });
    expect(await notifier.notify(alert('a1'))).toBe(false);
    expect(await notifier.notify(alert('a3'))).toBe(true);
    expect(await notifier.notify(alert('a3'))).toBe(false);
    expect(printed).toHaveLength(1);
    const ids = (await readFile(file, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{"deviceId"'))
      .map((l) => JSON.parse(l).alertId);
    expect(ids).toEqual(['a1', 'a3']);
  });
});
