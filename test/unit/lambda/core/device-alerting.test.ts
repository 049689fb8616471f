import { describe, expect, it } from 'vitest';
import type { BatchRecord } from '#core/batch-record.ts';
import { planDevice } from '#core/device.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { TelemetryRecord } from '#core/record.ts';
import type { Rule, ThresholdRule } from '#core/rules.ts';

const BASE_MS = Date.UTC(2026, 10, 21, 10, 0, 0);
const timeAt = (second: number) => new Date(BASE_MS + second * 1000).toISOString();
const at = (offset: number, second: number, cpuUsage: number): BatchRecord => ({
  topic: 't',
  partition: 0,
  offset,
  record: {
    deviceId: 'd1',
    model: 'EVG2000',
    interface: 'eth0',
    status: 'up',
    cpuUsage,
    memoryUsage: 100,
    eventTime: timeAt(second),
    eventTimeMs: BASE_MS + second * 1000,
  } satisfies TelemetryRecord,
});
const hot = (over: Partial<ThresholdRule> = {}): ThresholdRule => ({
  ruleId: 'hot',
  when: { field: 'cpuusage', op: '>', value: 80 },
  severity: 'warning',
  enabled: true,
  ...over,
});
const plan = (current: DeviceItem | undefined, records: BatchRecord[], rules: Rule[] = [hot()]) => {
  const planned = planDevice('d1', current, records, { rules, registry: null });
  if (planned === null) throw new Error('nothing planned');
  return planned;
};

describe('alert episodes planned by the processor', () => {
  it('stores a raised alert as a firing episode and records it open on the device', () => {
    const first = plan(undefined, [at(0, 1, 90)]);
    const [alert] = first.alerts;
    expect(alert).toMatchObject({ state: 'firing', startsAt: timeAt(1), endsAt: null, at: timeAt(1) });
    expect(first.item.openAlerts).toEqual({ hot: alert?.alertKey });
    expect(first.resolves).toEqual([]);
  });

  it('ends the episode on the first advancing record outside the condition, at its event_time', () => {
    const first = plan(undefined, [at(0, 1, 90)]);
    const key = first.alerts[0]?.alertKey;
    const next = plan(first.item, [at(1, 3, 95), at(2, 7, 10), at(3, 9, 5)]);
    expect(next.resolves).toEqual([{ deviceId: 'd1', alertKey: key, endsAt: timeAt(7) }]);
    expect(next.item.openAlerts).toBeUndefined();
    expect(next.item.firing).toEqual([]);
  });

  it('raises, ends and raises again within one batch, in event order', () => {
    const planned = plan(undefined, [at(0, 1, 90), at(1, 2, 10), at(2, 3, 99)]);
    const [first, second] = planned.alerts;
    expect(planned.resolves).toEqual([{ deviceId: 'd1', alertKey: first?.alertKey, endsAt: timeAt(2) }]);
    expect(planned.item.openAlerts).toEqual({ hot: second?.alertKey });
  });

  it('never ends a threshold episode on a late record', () => {
    const first = plan(undefined, [at(0, 10, 90)]);
    const late = plan(first.item, [at(1, 5, 10)]);
    expect(late.resolves).toEqual([]);
    expect(late.item.openAlerts).toEqual(first.item.openAlerts);
  });

  it.each([
    ['deleted', []],
    ['disabled', [hot({ enabled: false })]],
    [
      'made a silence rule',
      [{ ruleId: 'hot', when: { silentForSeconds: 60 }, severity: 'info', enabled: true }],
    ],
  ] as [string, Rule[]][])('ends the episode of a rule %s on the next advancing record', (_how, rules) => {
    const first = plan(undefined, [at(0, 1, 90)]);
    const next = plan(first.item, [at(1, 2, 95)], rules);
    expect(next.resolves).toEqual([
      { deviceId: 'd1', alertKey: first.alerts[0]?.alertKey, endsAt: timeAt(2) },
    ]);
    expect(next.item.openAlerts).toBeUndefined();
  });

  it('ends any open episode whose rule is not firing on the next new record, even a late one (a silence alert)', () => {
    const first = plan(undefined, [at(0, 10, 90)]);
    const silent = { ...first.item, openAlerts: { ...first.item.openAlerts, 'modem-silent': 'S#1' } };
    const late = plan(silent, [at(1, 5, 10)]);
    expect(late.resolves).toEqual([{ deviceId: 'd1', alertKey: 'S#1', endsAt: timeAt(5) }]);
    expect(late.item.openAlerts).toEqual(first.item.openAlerts);
  });

  it('leaves the firing rules of a device item written before episodes to the derived mapping', () => {
    const first = plan(undefined, [at(0, 1, 90)]);
    const { openAlerts: _none, ...old } = first.item;
    const next = plan(old, [at(1, 2, 10)]);
    expect(next.resolves).toEqual([]);
    expect(next.item.firing).toEqual([]);
    const again = plan(old, [at(1, 2, 95)]);
    expect(again.alerts).toEqual([]);
    expect(again.item.openAlerts).toBeUndefined();
  });

  it('keys rule maps safely: a rule named constructor is stored escaped and read back', () => {
    const first = plan(undefined, [at(0, 1, 90)], [hot({ ruleId: 'constructor' })]);
    expect(Object.keys(first.item.openAlerts ?? {})).toEqual(['~constructor']);
    const next = plan(first.item, [at(1, 2, 10)], [hot({ ruleId: 'constructor' })]);
    expect(next.resolves.map((r) => r.alertKey)).toEqual([first.alerts[0]?.alertKey]);
  });
});

describe('forSeconds: the condition holds on every advancing record for that long before the rule fires', () => {
  const lasting = [hot({ forSeconds: 60 })];

  it('keeps the rule pending (since the record it began) until it has held long enough, across batches', () => {
    const first = plan(undefined, [at(0, 0, 90), at(1, 30, 95)], lasting);
    expect(first.alerts).toEqual([]);
    expect(first.item.firing).toEqual([]);
    expect(first.item.pendingSince).toEqual({ hot: timeAt(0) });
    const next = plan(first.item, [at(2, 59, 91), at(3, 60, 92), at(4, 61, 93)], lasting);
    expect(next.alerts.map((a) => [a.offset, a.startsAt, a.at])).toEqual([[3, timeAt(0), timeAt(60)]]);
    expect(next.item.pendingSince).toBeUndefined();
    expect(next.item.firing).toEqual(['hot']);
  });

  it('resets on a record outside the condition, and ignores late records', () => {
    const planned = plan(undefined, [at(0, 0, 90), at(1, 30, 10), at(2, 40, 90), at(3, 90, 90)], lasting);
    expect(planned.alerts).toEqual([]);
    expect(planned.item.pendingSince).toEqual({ hot: timeAt(40) });
    const late = plan(planned.item, [at(4, 35, 10), at(5, 100, 90)], lasting);
    expect(late.alerts.map((a) => [a.offset, a.startsAt])).toEqual([[5, timeAt(40)]]);
  });

  it('drops the pending clock of a rule deleted or disabled', () => {
    const first = plan(undefined, [at(0, 0, 90)], lasting);
    expect(
      plan(first.item, [at(1, 100, 90)], [hot({ forSeconds: 60, enabled: false })]).item.pendingSince,
    ).toBeUndefined();
    expect(plan(first.item, [at(1, 100, 90)], []).item.pendingSince).toBeUndefined();
  });

  it('with forSeconds 0 (or absent) fires on the first record, exactly as without it', () => {
    const records = [at(0, 0, 90), at(1, 1, 10), at(2, 2, 90)];
    const zero = plan(undefined, records, [hot({ forSeconds: 0 })]);
    const absent = plan(undefined, records, [hot()]);
    expect(zero).toEqual(absent);
    expect(zero.alerts.map((a) => a.offset)).toEqual([0, 2]);
    expect(zero.item.pendingSince).toBeUndefined();
  });
});
