import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_STALL_AFTER_SECONDS, DEFAULT_SWEEP_SECONDS, ENV } from '#core/contract/index.ts';
import type { Log, LogAttributes } from '#core/ports.ts';
import { startSilenceTimer } from '#scripts/local/silence-timer.ts';
import { errorMessage, numberFlag } from '#scripts/shared/cli.ts';
import type { StartContext } from './context.ts';
import { PROCESSOR_GROUP, TOPIC } from './names.ts';

/** JSON lines, like the functions' logs under `.local/logs/` (the sweep runs in the runtime's own process). */
const fileLog = (file: string): Log => {
  mkdirSync(dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  const line =
    (level: string) =>
    (message: string, ...attributes: LogAttributes[]) =>
      void stream.write(
        `${JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...Object.assign({}, ...attributes) })}\n`,
      );
  return { debug: line('DEBUG'), info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
};

const envSeconds = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : numberFlag(name, raw, { min: 1, max: 86_400 });
};

/**
 * The silence sweep every FLEETSTREAM_SWEEP_SECONDS (default 60, the deployed schedule; tests run it faster), with
 * STALL_AFTER_SECONDS as deployed. It waits for the processor to reach the end offsets it observed for two batching
 * windows and a second (LAG_SETTLE_SECONDS overrides).
 */
export const startSilenceSweep = async (context: StartContext): Promise<void> => {
  const { config } = context;
  const tables = context.get('tables');
  const settleFallback = (2 * config.batching.maxBatchingWindowMs + 1000) / 1000;
  const timer = startSilenceTimer({
    db: context.get('db'),
    kafka: context.get('kafka'),
    tables: { state: tables.state, alerts: tables.alerts, rules: tables.rules },
    sweep: {
      topic: TOPIC,
      groupId: PROCESSOR_GROUP,
      stallAfterMs: envSeconds(ENV.stallAfterSeconds, DEFAULT_STALL_AFTER_SECONDS) * 1000,
      settleMs: envSeconds(ENV.lagSettleSeconds, settleFallback) * 1000,
    },
    periodMs: envSeconds('FLEETSTREAM_SWEEP_SECONDS', DEFAULT_SWEEP_SECONDS) * 1000,
    rulesCacheSeconds: config.rulesCacheSeconds,
    log: fileLog(join(config.stateDir, 'logs', 'silence-sweep.log')),
    onSweep: (summary) => {
      if (summary.totals.fired > 0) context.log(`silence sweep: ${summary.totals.fired} devices silent`);
    },
    onError: (error) => (context.problem = `silence sweep: ${errorMessage(error)}`),
  });
  await context.running.add('silence sweep', () => timer.stop());
};
