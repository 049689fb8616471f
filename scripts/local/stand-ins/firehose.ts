/**
 * Local stand-in for Firehose `PutRecordBatch` (AWS JSON 1.1, `X-Amz-Target: Firehose_20150804.PutRecordBatch`):
 * each named delivery stream appends its records, as sent, under `<datalakeDir>/<prefix>/year=…/month=…/day=…/hour=…/`
 * — the arrival-hour layout Firehose writes to S3. Reached through `AWS_ENDPOINT_URL_FIREHOSE`.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hourPrefix } from '#adapters/dead-letter-file.ts';
import { type StandIn, type StandInReply, serveStandIn } from './http.ts';

export interface FirehoseStandInOptions {
  /** Root of the local lake (`.local/datalake`). */
  readonly datalakeDir: string;
  /** Delivery stream name → its S3 prefix under the lake (e.g. `dead-letter`). Other names get ResourceNotFound. */
  readonly streams: ReadonlyMap<string, string>;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

export interface FirehoseStandIn extends StandIn {
  /** Records accepted so far. */
  readonly records: number;
}

const MAX_RECORDS = 500;
const TARGET = 'Firehose_20150804.PutRecordBatch';
const JSON_11 = 'application/x-amz-json-1.1';

const error = (type: string, message: string): StandInReply => ({
  status: 400,
  contentType: JSON_11,
  body: JSON.stringify({ __type: type, message }),
});

/** The request's records as bytes, or the reason they are not a valid PutRecordBatch. */
const parseRecords = (body: Buffer): { stream: string; data: Buffer[] } | string => {
  let input: { DeliveryStreamName?: unknown; Records?: unknown };
  try {
    input = JSON.parse(body.toString('utf8')) as typeof input;
  } catch {
    return 'request body is not JSON';
  }
  if (typeof input.DeliveryStreamName !== 'string') return 'DeliveryStreamName is required';
  if (!Array.isArray(input.Records) || input.Records.length === 0 || input.Records.length > MAX_RECORDS) {
    return `Records must hold 1-${MAX_RECORDS} records`;
  }
  const data: Buffer[] = [];
  for (const record of input.Records as { Data?: unknown }[]) {
    if (typeof record?.Data !== 'string') return 'every record needs Data (base64)';
    data.push(Buffer.from(record.Data, 'base64'));
  }
  return { stream: input.DeliveryStreamName, data };
};

export const startFirehoseStandIn = async (options: FirehoseStandInOptions): Promise<FirehoseStandIn> => {
  const clock = options.clock ?? Date.now;
  // One object per stream per run, like Firehose's one object per buffer flush.
  const fileName = (stream: string) => `${stream}-${process.pid}-${startedAt}.jsonl`;
  const startedAt = clock();
  let records = 0;
  const standIn = await serveStandIn(
    'Firehose',
    async (request, body) => {
      if (request.headers['x-amz-target'] !== TARGET) {
        return error('UnknownOperationException', `only ${TARGET} is served locally`);
      }
      const parsed = parseRecords(body);
      if (typeof parsed === 'string') return error('InvalidArgumentException', parsed);
      const prefix = options.streams.get(parsed.stream);
      if (prefix === undefined) {
        return error('ResourceNotFoundException', `Firehose ${parsed.stream} not found locally`);
      }
      const dir = join(options.datalakeDir, prefix, hourPrefix(new Date(clock()).toISOString()));
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, fileName(parsed.stream)), Buffer.concat(parsed.data));
      records += parsed.data.length;
      return {
        status: 200,
        contentType: JSON_11,
        body: JSON.stringify({
          FailedPutCount: 0,
          Encrypted: false,
          RequestResponses: parsed.data.map(() => ({ RecordId: crypto.randomUUID() })),
        }),
      };
    },
    error('InvalidArgumentException', 'request too large'),
    options.port,
  );
  return {
    url: standIn.url,
    stop: standIn.stop,
    get records() {
      return records;
    },
  };
};
