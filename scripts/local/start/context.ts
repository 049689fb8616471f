import { relative } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Admin, Kafka } from 'kafkajs';
import type { ApiServer } from '#adapters/api-gateway-http.ts';
import type { LocalBundles } from '#scripts/local/bundles.ts';
import type { StartConfig } from '#scripts/local/config.ts';
import type { Running } from '#scripts/local/lifecycle.ts';
import type { LocalServices } from '#scripts/local/services/index.ts';
import type { FirehoseStandIn } from '#scripts/local/stand-ins/firehose.ts';
import type { SnsStandIn } from '#scripts/local/stand-ins/sns.ts';
import type { TableNames } from '#scripts/local/tables.ts';
import type { Terminal } from '#scripts/local/terminal.ts';

/** What the steps start and later steps use, each set by exactly one step. */
export interface Started {
  readonly services: LocalServices;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly tables: TableNames;
  readonly db: DynamoDBDocumentClient;
  readonly bundles: LocalBundles;
  readonly firehose: FirehoseStandIn;
  readonly sns: SnsStandIn;
  readonly api: ApiServer;
}

/** The state `npm start`'s steps share: the config, what is running, the terminal, and what was started. */
export class StartContext {
  /** The latest problem worth showing on the status line; cleared by the next successful batch. */
  problem: string | undefined;
  /** The generator's records/s, null when it is off or stopped. */
  generatorRate: number | null = null;
  /** DynamoDB Local's measured item writes/s, once known (the usual ceiling). */
  ddbWritesPerSec: number | undefined;
  /** Set while the runtime falls behind (the status line and the console show it). */
  behind: string | undefined;
  private readonly started: Partial<Record<keyof Started, unknown>> = {};

  constructor(
    readonly config: StartConfig,
    readonly running: Running,
    readonly terminal: Terminal,
  ) {}

  readonly log = (line: string): void => this.terminal.line(line);

  /** A path as the user should read it: relative to where npm start was run. */
  shown(path: string): string {
    return relative(process.cwd(), path) || '.';
  }

  set<K extends keyof Started>(key: K, value: Started[K]): void {
    this.started[key] = value;
  }

  get<K extends keyof Started>(key: K): Started[K] {
    const value = this.started[key];
    if (value === undefined) throw new Error(`npm start: ${key} is used before the step that starts it`);
    return value as Started[K];
  }
}

/** One named step of `npm start`; it registers whatever it starts with `context.running` so Ctrl-C stops it. */
export interface StartStep {
  readonly name: string;
  readonly run: (context: StartContext) => Promise<void>;
}

/** Runs the steps in order. */
export const runSteps = async (steps: readonly StartStep[], context: StartContext): Promise<void> => {
  for (const step of steps) await step.run(context);
};
