/** One priced row of the bill, and the calendar the model bills in. */

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
export const GIB = 1024 ** 3;
export const GB = 1e9;

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
  readonly note?: string;
}

export const line = (
  service: string,
  item: string,
  quantity: number,
  unit: string,
  usd: number,
  note?: string,
): LineItem => ({
  service,
  item,
  quantity,
  unit,
  usd,
  ...(note ? { note } : {}),
});
