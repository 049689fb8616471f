import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { requireEnv } from '#adapters/env.ts';
import { functionLogger } from '#adapters/observability.ts';
import { ENV } from '#core/contract/env.ts';
import { RAW_LINES_TABLE_NAME } from '#core/contract/lake.ts';
import {
  type AthenaPort,
  type CompactorSettings,
  compactHour,
  DEFAULT_SCHEDULE,
  type HourCompaction,
  hoursDue,
  type ObjectStorePort,
} from './compactor.ts';

/**
 * Scheduled by an EventBridge rule every hour at minute `delayMinutes`: compacts the hours due into the curated table.
 * `{"hour": "2026-11-21T09"}` as the event compacts that hour instead (a manual re-run).
 */

const logger = functionLogger('lake-compactor');

/** A whole number setting ≥ 0 (lateHours may be 0). */
const countEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`Environment variable ${name} must be a whole number >= 0, got "${raw}"`);
  return value;
};

const athena = new AthenaClient({});
const s3 = new S3Client({});

const athenaPort = (workGroup: string, database: string): AthenaPort => ({
  async run(sql) {
    const { QueryExecutionId: id } = await athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Database: database },
      }),
    );
    if (id === undefined) throw new Error('Athena started no query');
    for (;;) {
      const { QueryExecution: q } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = q?.Status?.State;
      if (state === 'SUCCEEDED')
        return { queryExecutionId: id, bytesScanned: q?.Statistics?.DataScannedInBytes ?? 0 };
      if (state === 'FAILED' || state === 'CANCELLED')
        throw new Error(`query ${id} ${state}: ${q?.Status?.StateChangeReason ?? 'no reason'}`);
      await sleep(2_000);
    }
  },
});

const storePort = (bucket: string): ObjectStorePort => ({
  async deletePrefix(prefix) {
    let deleted = 0;
    for (;;) {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1_000 }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (keys.length === 0) return deleted;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      deleted += keys.length;
    }
  },
});

const HOUR_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

export const handler = async (event: { hour?: unknown; time?: unknown }): Promise<HourCompaction[]> => {
  const settings: CompactorSettings = {
    bucket: requireEnv(ENV.lakeBucket),
    delayMinutes: countEnv(ENV.compactionDelayMinutes, DEFAULT_SCHEDULE.delayMinutes),
    lateHours: countEnv(ENV.compactionLateHours, DEFAULT_SCHEDULE.lateHours),
    rawLinesTable: RAW_LINES_TABLE_NAME,
  };
  const ports = {
    athena: athenaPort(requireEnv(ENV.athenaWorkGroup), requireEnv(ENV.glueDatabase)),
    store: storePort(settings.bucket),
  };
  let hours: number[];
  if (event.hour !== undefined) {
    if (typeof event.hour !== 'string' || !HOUR_INPUT.test(event.hour))
      throw new Error(`event.hour must be a UTC hour like 2026-11-21T09, got ${JSON.stringify(event.hour)}`);
    hours = [Date.parse(`${event.hour}:00:00Z`)];
  } else {
    const at = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
    hours = hoursDue(Number.isFinite(at) ? at : Date.now(), settings);
  }
  const done: HourCompaction[] = [];
  for (const hour of hours) {
    const result = await compactHour(hour, settings, ports);
    logger.info('compacted', { ...result });
    done.push(result);
  }
  return done;
};
