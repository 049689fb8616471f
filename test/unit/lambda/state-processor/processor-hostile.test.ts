/** The processor with a broken device clock and hostile registry rows. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistryCache } from '#adapters/registry-cache.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { Rule } from '#core/rules.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import {
  MemoryAlertSink,
  MemoryDeadLetterSink,
  MemoryStateStore,
  staticRules,
} from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const down: Rule = {
  ruleId: 'down',
  when: { field: 'interfacestatus', op: '==', value: 'down' },
  severity: 'critical',
  enabled: true,
};
const value = (status: string, eventTime: string) =>
  Buffer.from(
    JSON.stringify({
      deviceid: 'd1',
      model: 'EVG2000',
      interface: 'eth0',
      interfacestatus: status,
      cpuusage: 5,
      memoryusage: 5,
      event_time: eventTime,
    }),
  );
const at = (offset: number, v: Buffer) => ({
  topic: 't',
  partition: 0,
  offset,
  timestampMs: T0,
  key: null,
  value: v,
});

describe('a device with a broken clock', () => {
  it('dead-letters the record dated 2099; the next records still move its state and raise its alerts', async () => {
    const store = new MemoryStateStore();
    const alerts = new MemoryAlertSink();
    const deadLetters = new MemoryDeadLetterSink();
    const processor = memoryProcessor({
      store,
      alerts,
      deadLetters,
      rules: staticRules([down]),
      clock: () => T0,
    });
    await processor.process(toMskEvent([at(0, value('up', '2099-01-01T00:00:00Z'))]));
    await processor.process(
      toMskEvent([at(1, value('up', '2026-11-21T09:59:00Z')), at(2, value('down', '2026-11-21T09:59:30Z'))]),
    );
    expect(deadLetters.letters).toEqual([
      expect.objectContaining({ offset: 0, reason: 'event_time in the future' }),
    ]);
    const device = store.items.get('DEVICE#d1\nSTATE') as DeviceItem;
    expect(device).toMatchObject({ status: 'down', eventTime: '2026-11-21T09:59:30.000Z', recordCount: 2 });
    expect([...alerts.alerts.values()].map((a) => a.offset)).toEqual([2]);
  });

  it('honours a configured margin', async () => {
    const deadLetters = new MemoryDeadLetterSink();
    const processor = memoryProcessor({
      deadLetters,
      clock: () => T0,
      maxEventTimeSkewMs: 10_000,
    });
    const summary = await processor.process(
      toMskEvent([at(0, value('up', '2026-11-21T10:00:10Z')), at(1, value('up', '2026-11-21T10:00:11Z'))]),
    );
    expect(summary).toMatchObject({ valid: 1, invalid: 1 });
    expect(deadLetters.letters.map((l) => l.offset)).toEqual([1]);
  });
});

describe('DynamoDbRegistryCache with rows out of bounds', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset());

  it('drops an oversized or reserved-name row with a warning; keeps prototype-named attributes as data', async () => {
    const rows: Record<string, unknown>[] = [
      { deviceId: 'big', tier: 'x'.repeat(5000) },
      { deviceId: 'wide', ...Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, 'v'])) },
      { deviceId: 'ok', toString: 'gold', hasOwnProperty: 'yes', seats: 3 },
    ];
    ddb.on(BatchGetCommand).resolves({ Responses: { registry: rows } });
    const warnings: unknown[] = [];
    const cache = new DynamoDbRegistryCache(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      'registry',
      { logger: { warn: (_message, extra) => warnings.push(extra) } },
    );
    const found = await cache.lookup(['big', 'wide', 'ok']);
    expect(found.get('big')).toBeNull();
    expect(found.get('wide')).toBeNull();
    const ok = found.get('ok');
    expect(ok && Object.getPrototypeOf(ok)).toBeNull();
    expect({ ...ok }).toEqual({ toString: 'gold', hasOwnProperty: 'yes' });
    expect(warnings).toEqual([
      { deviceId: 'big', problem: '5004 bytes of attributes, more than 4096' },
      { deviceId: 'wide', problem: '33 attributes, more than 32' },
    ]);
  });
});
