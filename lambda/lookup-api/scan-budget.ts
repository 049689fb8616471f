/**
 * What one `GET /devices` request may read from DynamoDB before it answers with the items it has and a cursor
 * (issue 25). An unfiltered listing scans the state table, where device items sit among window and fleet items: without
 * a budget one request could read 10 pages of 1 MB (~1,280 read units). The client resumes with the cursor, so a
 * budget never loses items; it only bounds the work (and the bill) per request.
 */
export interface ScanBudget {
  /** Items DynamoDB may evaluate (ScannedCount, before the filter) over the whole request. */
  readonly maxItemsEvaluated: number;
  /** Read units (ConsumedCapacity) after which no further page is read. */
  readonly maxReadUnits: number;
  /** Items per page (the Scan/Query `Limit`): with maxReadUnits, the overshoot of the last page. */
  readonly pageItems: number;
}

/**
 * 1,000 items evaluated, at most 5 pages of 200; no page is started once 64 read units are spent. Worst case per
 * request: 64 units plus one page (200 items; at ~2 KB per device item ~50 units, never more than 1 MB = 128 units).
 */
export const LISTING_SCAN_BUDGET: ScanBudget = { maxItemsEvaluated: 1_000, maxReadUnits: 64, pageItems: 200 };

export interface PageSpend {
  readonly ScannedCount?: number;
  readonly ConsumedCapacity?: { readonly CapacityUnits?: number };
}

/** Tracks one request's spending against its budget. */
export class ScanMeter {
  private evaluated = 0;
  private units = 0;
  pages = 0;

  constructor(private readonly budget: ScanBudget = LISTING_SCAN_BUDGET) {}

  /** The `Limit` of the next page: at most `wanted`, the page size and what the item budget has left. */
  nextLimit(wanted: number = Number.POSITIVE_INFINITY): number {
    return Math.max(
      1,
      Math.min(wanted, this.budget.pageItems, this.budget.maxItemsEvaluated - this.evaluated),
    );
  }

  record(page: PageSpend): void {
    this.pages += 1;
    this.evaluated += page.ScannedCount ?? 0;
    this.units += page.ConsumedCapacity?.CapacityUnits ?? 0;
  }

  /** True once another page would exceed the budget. */
  get exhausted(): boolean {
    return this.evaluated >= this.budget.maxItemsEvaluated || this.units >= this.budget.maxReadUnits;
  }

  get spent(): { readonly itemsEvaluated: number; readonly readUnits: number; readonly pages: number } {
    return { itemsEvaluated: this.evaluated, readUnits: this.units, pages: this.pages };
  }
}
