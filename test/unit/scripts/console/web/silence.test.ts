import { describe, expect, it } from 'vitest';
import { activeRows, silenceAlert } from '#scripts/console/web/silence.ts';

const rules = [
  { ruleId: 'modem-silent', when: { silentForSeconds: 120 } },
  { ruleId: 'quiet-hour', when: { silentForSeconds: 3600 } },
  { ruleId: 'modem-down', when: { field: 'interfacestatus', op: '==', value: 'down' } },
];

describe('silenceAlert: a device is silent when a silence rule fires for it', () => {
  it('is null when only threshold rules fire, or nothing does', () => {
    expect(silenceAlert([], rules)).toBeNull();
    expect(silenceAlert([{ ruleId: 'modem-down', at: '2026-12-06T10:00:00.000Z' }], rules)).toBeNull();
  });

  it('is the earliest firing silence alert, from either source', () => {
    const firing = [
      { ruleId: 'modem-down', at: '2026-12-06T09:00:00.000Z' },
      { ruleId: 'quiet-hour', at: '2026-12-06T10:30:00.000Z' },
      { ruleId: 'modem-silent', at: null },
      { ruleId: 'modem-silent', at: '2026-12-06T10:02:00.000Z' },
    ];
    expect(silenceAlert(firing, rules)).toEqual({ ruleId: 'modem-silent', at: '2026-12-06T10:02:00.000Z' });
  });

  it('does not take a firing alert of a deleted rule for silence', () => {
    expect(silenceAlert([{ ruleId: 'gone', at: '2026-12-06T10:00:00.000Z' }], rules)).toBeNull();
  });
});

describe('activeRows: the device page lists each firing rule once, from either source', () => {
  const row = (ruleId: string, message: string) => ({ ruleId, severity: 'critical', message, at: null });
  it('keeps what GET /devices lists and adds the firing episodes it does not', () => {
    expect(
      activeRows(
        [row('modem-down', 'listed')],
        [row('modem-down', 'episode'), row('modem-silent', 'episode'), row('modem-silent', 'older episode')],
      ),
    ).toEqual([row('modem-down', 'listed'), row('modem-silent', 'episode')]);
    expect(activeRows([], [])).toEqual([]);
  });
});
