import { describe, expect, it } from 'vitest';
import { MskEventError } from '#core/msk-event.ts';
import type { Rule } from '#core/rules.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import {
  MemoryAlertSink,
  MemoryDeadLetterSink,
  MemoryMetrics,
  MemoryStateStore,
  staticRegistry,
  staticRules,
} from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { eventTimeAt, telemetryValue } from '#test/support/telemetry-records.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const value = (deviceid: string, status: string, second: number) =>
  telemetryValue({
    deviceid,
    interfacestatus: status,
    cpuusage: 5,
    memoryusage: 5,
    event_time: eventTimeAt(T0, second),
  });
const down: Rule = {
  ruleId: 'down',
  when: { field: 'interfacestatus', op: '==', value: 'down' },
  severity: 'critical',
  enabled: true,
};

const build = () => {
  const log: string[] = [];
  const store = new MemoryStateStore((write) => {
    log.push(write.item.sk.split('#')[0] as string);
    return 'none';
  });
  const alerts = new MemoryAlertSink(() => {
    log.push('ALERT');
    return false;
  });
  const deadLetters = new MemoryDeadLetterSink();
  const write = deadLetters.write.bind(deadLetters);
  deadLetters.write = async (letters) => {
    log.push('DEAD');
    await write(letters);
  };
  const metrics = new MemoryMetrics();
  const processor = memoryProcessor({
    store,
    alerts,
    deadLetters,
    rules: staticRules([down]),
    registry: staticRegistry({ d1: { tier: 'gold' } }),
    metrics,
    clock: () => T0 + 5_000,
  });
  return { log, store, alerts, deadLetters, metrics, processor };
};

describe('createStateProcessor', () => {
  it('writes dead-letters, alerts, then devices with the windows they pass over and the fleet counts; reports metrics', async () => {
    const { log, store, alerts, deadLetters, metrics, processor } = build();
    const summary = await processor.process(
      toMskEvent([
        { topic: 't', partition: 3, offset: 0, timestampMs: T0, key: null, value: value('d1', 'up', 0) },
        { topic: 't', partition: 3, offset: 1, timestampMs: T0, key: null, value: Buffer.from('{oops') },
        {
          topic: 't',
          partition: 3,
          offset: 2,
          timestampMs: T0 + 1000,
          key: null,
          // The next minute: the first one becomes a window item, this one the device's open window.
          value: value('d1', 'down', 61),
        },
      ]),
    );
    // The new device is counted against the new-device cap first (its partition's cap item), then joins the fleet
    // counts in its transaction, through its partition's fleet item, which takes the batch's record counts in the
    // same write; its alert right before it.
    expect(log).toEqual(['DEAD', 'CAP', 'ALERT', 'STATE', 'WIN', 'RECORDS']);
    expect(deadLetters.letters).toEqual([expect.objectContaining({ partition: 3, offset: 1 })]);
    expect([...alerts.alerts.values()]).toEqual([
      expect.objectContaining({ deviceId: 'd1', ruleId: 'down', offset: 2, registry: { tier: 'gold' } }),
    ]);
    expect(summary).toMatchObject({ records: 3, valid: 2, invalid: 1, devices: 1, alerts: 1, lagMs: 5_000 });
    expect(metrics.totals).toEqual({
      RecordsProcessed: 2,
      RecordsInvalid: 1,
      DynamoDBWrites: 3,
      AlertsRaised: 1,
      BatchLagMs: 5_000,
      OffsetsRewound: 0,
    });
    expect(store.items.size).toBe(4); // device, window, fleet item, new-device cap counts
    expect(store.items.get('NEWDEV#t#3\nCAP')).toMatchObject({ snapshots: [{ through: 2 }] });
    expect(store.items.get('FLEET\nRECORDS#t#3')).toMatchObject({
      records: 2,
      devices: 1,
      byStatus: { down: 1 },
    });
  });

  it('rejects a malformed event with a typed error and writes nothing', async () => {
    const { store, processor } = build();
    await expect(processor.process({ records: { 't-0': 'x' } })).rejects.toThrow(MskEventError);
    expect(store.items.size).toBe(0);
  });

  it('handles an empty event', async () => {
    const { processor } = build();
    expect(await processor.process({ records: {} })).toMatchObject({ records: 0, itemWrites: 0 });
  });
});
