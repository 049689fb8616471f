/**
 * The naive baseline, used only by `npm run bench`: what the blog's Lambda does — one PutItem per record, the
 * record's fields as the device's item, last writer wins — except that it reads every partition of the event (the
 * blog's reads only partition 0), so the comparison with FleetStream is about DynamoDB work, not about lost records.
 * Items have the device-item field names so the same lookup API can show them (freshness is measured through it).
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deviceKey } from '#core/items/keys.ts';
import { parseMskEvent } from '#core/msk-event.ts';
import { decodeRecord, type TelemetryRecord } from '#core/record.ts';

export interface NaiveProcessorOptions {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  /**
   * PutItems in flight at once, across devices (one device's records stay in order). The blog's loop is sequential;
   * running several at once only makes the baseline faster, never cheaper. @default 16
   */
  readonly concurrency?: number;
}

export interface NaiveSummary {
  records: number;
  valid: number;
  /** Skipped (the blog's Lambda would have failed the batch on them). */
  invalid: number;
  itemWrites: number;
}

const itemOf = (r: TelemetryRecord) => ({
  ...deviceKey(r.deviceId),
  deviceId: r.deviceId,
  model: r.model,
  interface: r.interface,
  status: r.status,
  cpuUsage: r.cpuUsage,
  memoryUsage: r.memoryUsage,
  eventTime: r.eventTime,
  lastSeen: r.eventTime,
});

export const createNaiveProcessor = (options: NaiveProcessorOptions) => {
  const concurrency = options.concurrency ?? 16;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }

  const process = async (event: unknown): Promise<NaiveSummary> => {
    const source = parseMskEvent(event);
    // Per-device queues in offset order: concurrency across devices, order within one.
    const queues = new Map<string, TelemetryRecord[]>();
    let invalid = 0;
    for (const r of source) {
      const decoded = decodeRecord(r.value, r.key);
      if (!decoded.ok) {
        invalid++;
        continue;
      }
      const queue = queues.get(decoded.record.deviceId) ?? [];
      queue.push(decoded.record);
      queues.set(decoded.record.deviceId, queue);
    }
    const pending = [...queues.values()];
    let itemWrites = 0;
    const worker = async () => {
      for (let queue = pending.pop(); queue !== undefined; queue = pending.pop()) {
        for (const record of queue) {
          await options.db.send(new PutCommand({ TableName: options.table, Item: itemOf(record) }));
          itemWrites++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
    return { records: source.length, valid: source.length - invalid, invalid, itemWrites };
  };

  return { process };
};
