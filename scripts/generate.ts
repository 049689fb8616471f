import type { Producer } from 'kafkajs';
import type { KafkaConnection } from '#adapters/kafka-client.ts';
import { DEFAULT_TOPIC } from '#core/contract/index.ts';
import { BAD_CLASSES } from '#lambda/generator/bad-records.ts';
import {
  COMPRESSIONS,
  type GeneratorOptions,
  type GeneratorSummary,
  generatorProducer,
  runGenerator,
} from '#lambda/generator/run.ts';
import { steppedClock } from '#lambda/generator/telemetry.ts';
import { httpProducer, ingestUrl } from './generator/http-producer.ts';
import { remoteLoadRequest } from './generator/remote-request.ts';
import { invokeLoadGenerator, PROCESSING_STACK, requireOutput, stackOutputs } from './shared/aws-stack.ts';
import {
  type CliArgs,
  choiceFlag,
  errorMessage,
  numberFlag,
  optionalNumberFlag,
  runCli,
  UsageError,
} from './shared/cli.ts';
import {
  describeConnection,
  KAFKA_CONNECTION_USAGE,
  kafkaConnectionFromFlags,
  kafkaConnectionOptions,
  scriptKafka,
} from './shared/kafka-connection.ts';

const spec = {
  usage:
    `usage: npm run generate -- (${KAFKA_CONNECTION_USAGE} | --remote [--function F] --region R | --http URL [--region R]) --devices N --rate R (--duration S | --count N) ` +
    '[--seed S] [--bad-ratio F] [--silent-ratio F] [--compression none|gzip|snappy|lz4|zstd] [--batch N] [--topic T] [--record-bytes B] [--json]',
  description: [
    'Produces simulated modem telemetry keyed by device id: each report is a record per interface of one modem,',
    'sent back to back. --rate 0 = unlimited.',
    `--bad-ratio F makes that share of records invalid (${BAD_CLASSES.join(', ')}).`,
    '--silent-ratio F makes that share of devices stop reporting a random 30-90 s in (0 <= F < 1; silence rules fire).',
    '--legacy-ratio F sends that share in the blog producer format (numeric strings, "YYYY-MM-DD HH:mm:ss").',
    '--start-time ISO --time-step-ms N give reproducible event times, a step per report (with --seed: an identical stream).',
    '--in-flight N sends awaiting acks (default 4); --acks -1|1 (default -1). Ctrl-C flushes and prints the summary.',
    '--remote [--function NAME] --region R: run it in the VPC through the deployed load-generator Lambda',
    '  (MSK Serverless is reachable only from inside its VPC); the function defaults to the stack output.',
    "--http URL: send through POST /ingest (the local API, or the stack's ApiUrl / IngestUrl, SigV4-signed when the",
    "  URL is not loopback), NDJSON requests within the route's bounds, each retried with its own Idempotency-Key.",
  ].join('\n'),
  options: {
    ...kafkaConnectionOptions,
    topic: { type: 'string' },
    devices: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    'bad-ratio': { type: 'string' },
    'legacy-ratio': { type: 'string' },
    'silent-ratio': { type: 'string' },
    compression: { type: 'string' },
    batch: { type: 'string' },
    'in-flight': { type: 'string' },
    acks: { type: 'string' },
    'record-bytes': { type: 'string' },
    'start-time': { type: 'string' },
    'time-step-ms': { type: 'string' },
    json: { type: 'boolean' },
    remote: { type: 'boolean' },
    function: { type: 'string' },
    http: { type: 'string' },
  },
} as const;

type Values = CliArgs<typeof spec.options>['values'];

const generatorOptions = (values: Values, signal: AbortSignal): GeneratorOptions => {
  if (values.devices === undefined) throw new UsageError('--devices is required');
  if (values.rate === undefined) throw new UsageError('--rate is required (0 = unlimited)');
  if (values.duration === undefined && values.count === undefined)
    throw new UsageError('give --duration or --count');
  const startTime = values['start-time'];
  const startMs = startTime === undefined ? undefined : Date.parse(startTime);
  if (startMs !== undefined && Number.isNaN(startMs))
    throw new UsageError(`--start-time is not a time: "${startTime}"`);
  if (values['time-step-ms'] !== undefined && startMs === undefined) {
    throw new UsageError('--time-step-ms needs --start-time');
  }
  const recordBytes = values['record-bytes'];
  return {
    topic: values.topic ?? DEFAULT_TOPIC,
    devices: numberFlag('devices', values.devices, { integer: true, min: 1, max: 10_000_000 }),
    rate: numberFlag('rate', values.rate, { min: 0 }),
    ...(values.duration !== undefined
      ? { durationSeconds: numberFlag('duration', values.duration, { min: 0.001 }) }
      : {}),
    ...(values.count !== undefined
      ? { count: numberFlag('count', values.count, { integer: true, min: 0 }) }
      : {}),
    seed: values.seed ?? String(Date.now()),
    badRatio: optionalNumberFlag('bad-ratio', values['bad-ratio'], 0, { min: 0, max: 1 }),
    legacyRatio: optionalNumberFlag('legacy-ratio', values['legacy-ratio'], 0, { min: 0, max: 1 }),
    silentRatio: silentRatioFlag(values['silent-ratio']),
    compression: choiceFlag('compression', values.compression ?? 'none', COMPRESSIONS),
    batch: optionalNumberFlag('batch', values.batch, 1000, { integer: true, min: 1, max: 100_000 }),
    inFlight: optionalNumberFlag('in-flight', values['in-flight'], 4, { integer: true, min: 1, max: 64 }),
    acks: choiceFlag('acks', values.acks ?? '-1', ['-1', '1'] as const) === '1' ? 1 : -1,
    ...(recordBytes !== undefined
      ? { recordBytes: numberFlag('record-bytes', recordBytes, { integer: true, min: 1, max: 65_536 }) }
      : {}),
    ...(startMs !== undefined
      ? {
          clock: steppedClock(
            startMs,
            optionalNumberFlag('time-step-ms', values['time-step-ms'], 1, { min: 0 }),
          ),
        }
      : {}),
    signal,
  };
};

/** --silent-ratio: 0 ≤ F < 1 (at least one device keeps reporting). */
const silentRatioFlag = (raw: string | undefined): number => {
  const ratio = optionalNumberFlag('silent-ratio', raw, 0, { min: 0 });
  if (ratio >= 1)
    throw new UsageError(`--silent-ratio must be < 1 (some devices keep reporting), got ${raw}`);
  return ratio;
};

const format = (s: GeneratorSummary): string =>
  `sent ${s.sent} records (${s.bad} bad on purpose, ${s.errors} failed) in ${s.seconds.toFixed(1)} s: ` +
  `${Math.round(s.recordsPerSec)} records/s, ${s.mbPerSec.toFixed(2)} MB/s`;

/** Live on a TTY (rewritten line, 4×/s), a plain line every 5 s otherwise (logs, CI). */
const progressReporter = () => {
  const tty = process.stderr.isTTY === true;
  const every = tty ? 250 : 5000;
  let last = 0;
  return {
    update(s: GeneratorSummary) {
      const now = performance.now();
      if (now - last < every) return;
      last = now;
      const line = `sent ${s.sent}  ${Math.round(s.recordsPerSec)}/s  errors ${s.errors}`;
      process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done() {
      if (tty && last > 0) process.stderr.write('\r\u001b[K');
    },
  };
};

/** A missing topic would otherwise surface as retried send errors; say what to do instead. */
const requireTopic = async (connection: KafkaConnection, topic: string) => {
  const admin = scriptKafka(connection).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new Error(
        `topic ${topic} does not exist — create it first: npm run topic:create -- --topic ${topic} …`,
      );
    }
  } finally {
    await admin.disconnect();
  }
};

/** Runs the generator inside the VPC through the deployed load-generator Lambda. */
const runRemote = async (values: Values): Promise<number> => {
  const request = remoteLoadRequest(values);
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('--region (or AWS_REGION) is required with --remote');
  const functionName =
    values.function ??
    requireOutput(await stackOutputs(region, PROCESSING_STACK), 'LoadGeneratorFunction', PROCESSING_STACK);
  process.stderr.write(`running the load generator ${functionName} in the VPC…\n`);
  const summary = await invokeLoadGenerator(region, functionName, request);
  console.log(values.json ? JSON.stringify(summary) : format(summary as unknown as GeneratorSummary));
  return Number(summary.errors ?? 0) > 0 ? 1 : 0;
};

/** The producer for the flags: HTTPS through POST /ingest, or Kafka (checked reachable, topic present). */
const connectProducer = async (values: Values, topic: string): Promise<Producer> => {
  if (values.http !== undefined) {
    if (values.local || values.brokers !== undefined)
      throw new UsageError('--http replaces --local/--brokers');
    if (Number(values['bad-ratio'] ?? 0) > 0)
      throw new UsageError(
        '--bad-ratio needs Kafka: POST /ingest refuses a batch with a record that is not a JSON object',
      );
    return httpProducer({ url: ingestUrl(values.http), ...(values.region ? { region: values.region } : {}) });
  }
  const connection = kafkaConnectionFromFlags(values);
  const producer = generatorProducer(scriptKafka(connection));
  try {
    await producer.connect();
  } catch (error) {
    throw new Error(`cannot reach Kafka at ${describeConnection(connection)}: ${errorMessage(error)}`);
  }
  await requireTopic(connection, topic);
  return producer;
};

const main = async ({ values }: CliArgs<typeof spec.options>): Promise<number> => {
  if (values.remote) return runRemote(values);
  const abort = new AbortController();
  const options = generatorOptions(values, abort.signal);
  const producer = await connectProducer(values, options.topic);
  // First Ctrl-C: stop producing, flush what is in flight, print the summary. Second: leave now.
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: flushing in-flight batches (Ctrl-C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = progressReporter();
  try {
    const summary = await runGenerator(producer, options, (s) => progress.update(s));
    progress.done();
    console.log(values.json ? JSON.stringify(summary) : format(summary));
    return summary.errors > 0 ? 1 : 0;
  } catch (error) {
    progress.done();
    const partial = (error as { summary?: GeneratorSummary }).summary;
    if (partial) console.log(values.json ? JSON.stringify(partial) : format(partial));
    throw error;
  } finally {
    await producer.disconnect().catch(() => {});
  }
};

await runCli(spec, main);
