import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { LISTING_SCAN_BUDGET, ScanMeter } from '#lambda/lookup-api/scan-budget.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

// Issue 25: an unfiltered GET /devices used to scan up to 10 pages of 1 MB (about 1,280 read units) per request.
const ddb = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const api = createLookupApi(
  {
    db,
    tables: { state: 's', registry: 'r', rules: 'u', alerts: 'a', operator: 'o' },
    now: () => Date.UTC(2026, 0, 1),
  },
  silentLog,
);

/** A state table whose pages hold only window items (what a scan wades through): nothing matches the device filter. */
const windowsOnly = (unitsPerPage: number) => {
  let page = 0;
  ddb.on(ScanCommand).callsFake((input: { Limit: number }) => {
    page += 1;
    return {
      Items: [],
      Count: 0,
      ScannedCount: input.Limit,
      ConsumedCapacity: { TableName: 's', CapacityUnits: unitsPerPage },
      LastEvaluatedKey: { pk: `DEVICE#d${page}`, sk: 'WIN#x' },
    };
  });
};

const scans = () => ddb.commandCalls(ScanCommand).map((call) => call.args[0].input);

describe('scan budget of GET /devices', () => {
  beforeEach(() => ddb.reset());

  it('stops an unfiltered listing after 1,000 items evaluated and answers with a cursor to resume', async () => {
    windowsOnly(1);
    const result = await api(proxyEvent('GET', '/devices'));
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body) as { items: unknown[]; cursor: string | null };
    expect(body.items).toEqual([]);
    expect(body.cursor).not.toBeNull();
    const limits = scans().map((input) => input.Limit ?? 0);
    expect(limits.reduce((a, b) => a + b, 0)).toBe(LISTING_SCAN_BUDGET.maxItemsEvaluated);
    expect(Math.max(...limits)).toBeLessThanOrEqual(LISTING_SCAN_BUDGET.pageItems);
    expect(scans().every((input) => input.ReturnConsumedCapacity === 'TOTAL')).toBe(true);
  });

  it('starts no page once 64 read units are spent', async () => {
    windowsOnly(40);
    await api(proxyEvent('GET', '/devices'));
    // 40 units, then 80 ≥ 64: two pages, where the old loop read ten.
    expect(scans()).toHaveLength(2);
  });

  it('resumes from the cursor where the budget stopped', async () => {
    windowsOnly(1);
    const first = JSON.parse((await api(proxyEvent('GET', '/devices'))).body) as { cursor: string };
    ddb.reset();
    windowsOnly(1);
    await api(proxyEvent('GET', '/devices', { cursor: [first.cursor] }));
    expect(scans()[0]?.ExclusiveStartKey).toEqual({ pk: 'DEVICE#d5', sk: 'WIN#x' });
  });

  it('bounds a filtered listing the same way (a model filter on the status index)', async () => {
    ddb.on(QueryCommand).callsFake((input: { Limit: number }) => ({
      Items: [],
      ScannedCount: input.Limit,
      ConsumedCapacity: { CapacityUnits: 0.5 },
      LastEvaluatedKey: { pk: 'DEVICE#d1', sk: 'STATE', status: 'down', deviceId: 'd1' },
    }));
    await api(proxyEvent('GET', '/devices', { status: ['down'], model: ['EVG2000'] }));
    const limits = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit ?? 0);
    expect(limits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(LISTING_SCAN_BUDGET.maxItemsEvaluated);
  });
});

describe('ScanMeter', () => {
  it('never lets a request evaluate more than the item budget, nor start a page past the unit budget', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.double({ min: 0, max: 128, noNaN: true })), {
          minLength: 1,
          maxLength: 50,
        }),
        (pages) => {
          // Each page evaluates a fraction (0 or all) of what it may, at any read cost up to 1 MB (128 units).
          const meter = new ScanMeter();
          let evaluated = 0;
          let unitsBeforeLastPage = 0;
          for (const [fraction, units] of pages) {
            if (meter.exhausted) break;
            const limit = meter.nextLimit();
            unitsBeforeLastPage = meter.spent.readUnits;
            meter.record({ ScannedCount: limit * fraction, ConsumedCapacity: { CapacityUnits: units } });
            evaluated += limit * fraction;
          }
          expect(evaluated).toBeLessThanOrEqual(LISTING_SCAN_BUDGET.maxItemsEvaluated);
          expect(unitsBeforeLastPage).toBeLessThan(LISTING_SCAN_BUDGET.maxReadUnits);
        },
      ),
    );
  });
});
