/**
 * Silence detection's bill (issue 21): what finding devices that stopped reporting adds to the pipeline.
 *
 * The design it prices (lambda/silence-sweep, docs/DATA_MODEL.md "Silence detection"): the processor writes a presence
 * index, one device-id entry per device per processing slot (PRESENCE_SLOT_MS, 30 s), packed into `PRESENCE#<slot>#<p>`
 * items of the state table (one item per processor invocation that sees a device's first record of that slot, TTL'd);
 * a sweep Lambda, scheduled every minute by EventBridge Scheduler, reads for each silence rule the presence items of
 * the slots it judges and the next (eventually consistent Query per partition, billed on the bytes read rounded up to
 * 4 KB), does a strongly consistent read of each candidate (a device present in one slot, absent from the next), reads
 * the processor's consumer-group lag (Kafka admin, no per-call charge) and writes the silence alerts. It never reads the
 * whole fleet's device items.
 *
 * Units (checked 2026-12-06): DynamoDB on-demand write = 1 WRU per 1 KB of item, read = 1 RRU per 4 KB strongly
 * consistent, half eventually consistent, a Query's bytes summed over the items it reads then rounded up to 4 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html); Lambda per request
 * and GB-second (https://aws.amazon.com/lambda/pricing/); EventBridge Scheduler per scheduled invocation, the first
 * 14 M a month free (https://aws.amazon.com/eventbridge/pricing/, "Scheduler"; the free tier is not applied here).
 */
import { DEFAULT_LAG_SETTLE_SECONDS, DYNAMODB_LIMITS } from '#core/contract/index.ts';
import { PRESENCE_RETENTION_SECONDS, PRESENCE_SLOT_MS } from '#core/items/presence.ts';
import { GB, type LineItem, line, SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';
import { MB_PER_VCPU } from './lambda.ts';

/** EventBridge Scheduler, us-east-1 list price after the monthly free tier. */
export const SCHEDULER_PRICE = {
  usdPerMillionInvocations: 1,
  source: 'https://aws.amazon.com/eventbridge/pricing/ (Scheduler: $1.00 per million after 14 M free/month)',
} as const;

/** What the model assumes about the sweep; every number is named so the output can state it. */
export interface SilenceAssumptions {
  /** Silence rules in the rules table: the sweep reads the presence index once per rule. */
  readonly rules: number;
  /** The sweep's schedule. */
  readonly sweepEverySeconds: number;
  /** Seconds of one presence slot. */
  readonly slotSeconds: number;
  /** Bytes one device id adds to a presence item (a string-set element: the id's UTF-8 bytes). */
  readonly entryBytes: number;
  /** Keys, attribute names and the TTL of one presence item. */
  readonly itemOverheadBytes: number;
  /** DynamoDB's item size limit: a batch with more devices writes several items. */
  readonly maxItemBytes: number;
  /** Share of reporting devices that are candidates in a slot (in it, not in the next). */
  readonly candidateShare: number;
  /** Silence episodes per device per month (each: an alert item + the device item's open episode, ~2 KB). */
  readonly episodesPerDeviceMonth: number;
  readonly memoryMb: number;
  /** The sweep's fixed work per run: IAM-signed Kafka admin connect and the group's offsets, the rules read. */
  readonly baseMs: number;
  /**
   * The wait for the processor to reach the end offsets the sweep just read (LAG_SETTLE_SECONDS), paid when the group
   * is behind at that moment: on a busy fleet with a batching window, nearly every run. Billed as run time.
   */
  readonly settleMs: number;
  /** Share of runs that wait `settleMs`. */
  readonly settleShare: number;
  /** How long a presence item is kept (its TTL): the longest silence rule plus an hour. */
  readonly retentionSeconds: number;
  /** Query: DynamoDB time per 1 MB page and CPU to decode and diff 1,000 entries. */
  readonly pageMs: number;
  readonly cpuMsPer1kEntries: number;
  readonly getItemMs: number;
  readonly getItemConcurrency: number;
}

export const DEFAULT_SILENCE_ASSUMPTIONS: SilenceAssumptions = {
  rules: 1,
  sweepEverySeconds: 60,
  slotSeconds: PRESENCE_SLOT_MS / 1000,
  entryBytes: 12,
  itemOverheadBytes: 100,
  maxItemBytes: DYNAMODB_LIMITS.itemBytes,
  candidateShare: 0.001,
  episodesPerDeviceMonth: 2,
  memoryMb: 512,
  baseMs: 1500,
  settleMs: DEFAULT_LAG_SETTLE_SECONDS * 1000,
  settleShare: 1,
  retentionSeconds: PRESENCE_RETENTION_SECONDS,
  pageMs: 40,
  cpuMsPer1kEntries: 0.5,
  getItemMs: 8,
  getItemConcurrency: 16,
};

/** What the pipeline looks like to the presence index: devices reporting in a slot and invocations in a slot. */
export interface SilenceLoad {
  readonly devices: number;
  /** Devices with at least one record processed in a given slot. */
  readonly reportingPerSlot: number;
  /** Processor invocations in a slot (each writes at most one presence item per slot it sees, plus overflow). */
  readonly invocationsPerSlot: number;
  /** Topic partitions: presence items are keyed by slot and partition, so a rule's read is a Query per partition. */
  readonly partitions: number;
}

export interface SilenceCost {
  readonly devices: number;
  readonly lines: LineItem[];
  readonly totalUsd: number;
  readonly sweepsPerMonth: number;
  readonly presenceBytesPerSlot: number;
  readonly sweepDurationMs: number;
}

const KB = 1024;
const MB = KB * KB;

/** Presence items written in a slot and their write units (each item billed on its own size, 1 KB units). */
export const presenceWrites = (load: SilenceLoad, a: SilenceAssumptions) => {
  const entryBytes = load.reportingPerSlot * a.entryBytes;
  const items = Math.max(
    Math.min(load.invocationsPerSlot, load.reportingPerSlot),
    Math.ceil(entryBytes / (a.maxItemBytes - a.itemOverheadBytes)),
  );
  const bytes = entryBytes + items * a.itemOverheadBytes;
  const wruPerItem = Math.ceil(bytes / items / KB);
  return { items, bytes, wru: items * wruPerItem };
};

/** Slots a run reads per rule: those it judges (a sweep period's worth) and the next one. */
export const slotsReadPerSweep = (a: SilenceAssumptions): number => a.sweepEverySeconds / a.slotSeconds + 1;

/** The sweep's reads per run: one Query per rule, slot and partition, and the candidates' reads. */
export const sweepReads = (load: SilenceLoad, bytesPerSlot: number, a: SilenceAssumptions) => {
  const slots = slotsReadPerSweep(a);
  const queryBytes = bytesPerSlot * slots;
  // Each Query rounded up to 4 KB on its own: at least half a unit each.
  const queries = a.rules * slots * load.partitions;
  const queryRru = a.rules * 0.5 * Math.ceil(queryBytes / (4 * KB)) + queries * 0.5;
  const candidates = load.reportingPerSlot * a.candidateShare * (slots - 1) * a.rules;
  // A device item is under 4 KB: one strongly consistent read unit each.
  return { queryBytes, queryRru, candidates, getRru: candidates, rru: queryRru + candidates };
};

/** One sweep's duration: fixed work, the Query pages, decoding and diffing the entries, the GetItems. */
export const sweepDurationMs = (queryBytes: number, candidates: number, a: SilenceAssumptions): number => {
  const stretch = Math.max(1, MB_PER_VCPU / a.memoryMb);
  const pages = a.rules * Math.max(1, Math.ceil(queryBytes / MB));
  const entries = (a.rules * queryBytes) / a.entryBytes;
  const cpuMs = ((entries / 1000) * a.cpuMsPer1kEntries + a.baseMs / 2) * stretch;
  const waitMs = a.baseMs / 2 + a.settleShare * a.settleMs;
  return cpuMs + waitMs + pages * a.pageMs + Math.ceil(candidates / a.getItemConcurrency) * a.getItemMs;
};

/** The month's silence-detection bill for a load. */
export const silenceCost = (
  load: SilenceLoad,
  p: PriceTable,
  a: SilenceAssumptions = DEFAULT_SILENCE_ASSUMPTIONS,
): SilenceCost => {
  const slotsPerMonth = SECONDS_PER_MONTH / a.slotSeconds;
  const sweepsPerMonth = SECONDS_PER_MONTH / a.sweepEverySeconds;
  const writes = presenceWrites(load, a);
  const reads = sweepReads(load, writes.bytes, a);
  const durationMs = sweepDurationMs(reads.queryBytes, reads.candidates, a);
  const wruMonth = writes.wru * slotsPerMonth;
  const rruMonth = reads.rru * sweepsPerMonth;
  const episodes = load.devices * a.episodesPerDeviceMonth;
  const gbSeconds = sweepsPerMonth * (durationMs / 1000) * (a.memoryMb / 1024);
  const storedGb = (writes.bytes * (a.retentionSeconds / a.slotSeconds)) / GB;
  const wru = p.dynamodb.writeRequestUnitsPerMillion.usd / 1e6;
  const lines = [
    line('DynamoDB', 'presence index writes (processor)', wruMonth, 'WRU', wruMonth * wru),
    line(
      'DynamoDB',
      `sweep reads (${a.rules} rule${a.rules === 1 ? '' : 's'} × ${slotsReadPerSweep(a)} slots, candidates)`,
      rruMonth,
      'RRU',
      (rruMonth * p.dynamodb.readRequestUnitsPerMillion.usd) / 1e6,
    ),
    line('DynamoDB', 'silence alerts and episodes', episodes * 4, 'WRU', episodes * 4 * wru),
    line(
      'DynamoDB',
      `presence index storage (${Math.round(a.retentionSeconds / 3600)} h TTL)`,
      storedGb,
      'GB-month',
      storedGb * p.dynamodb.storageGbMonth.usd,
    ),
    line(
      'Lambda',
      'sweep requests',
      sweepsPerMonth,
      'requests',
      (sweepsPerMonth / 1e6) * p.lambda.requestsPerMillion.usd,
    ),
    line(
      'Lambda',
      `sweep compute (${a.memoryMb} MB arm64)`,
      gbSeconds,
      'GB-s',
      gbSeconds * p.lambda.gbSecondArm.usd,
    ),
    line(
      'EventBridge Scheduler',
      `schedule every ${a.sweepEverySeconds} s`,
      sweepsPerMonth,
      'invocations',
      (sweepsPerMonth / 1e6) * SCHEDULER_PRICE.usdPerMillionInvocations,
    ),
  ];
  return {
    devices: load.devices,
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.usd, 0),
    sweepsPerMonth,
    presenceBytesPerSlot: writes.bytes,
    sweepDurationMs: durationMs,
  };
};
