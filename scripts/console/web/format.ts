const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export const formatInteger = (value: number): string => integer.format(value);
export const formatDecimal = (value: number): string => decimal.format(value);

/** `2026-11-21 10:15:30 UTC` — one unambiguous zone for an operations team spread over several. */
export const formatTime = (iso: string | null | undefined): string => {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};

/** Sorted entries of an API map (model or status → value), never touching a prototype. */
export const entries = <T>(map: Record<string, T>): Array<[string, T]> =>
  Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export const deviceHash = (deviceId: string): string => `#/device/${encodeURIComponent(deviceId)}`;
