import { DEFAULT_STALL_AFTER_SECONDS, DEFAULT_SWEEP_SECONDS, ENV } from '#core/contract/index.ts';
import { startSilenceTimer } from '#scripts/local/silence-timer.ts';
import { errorMessage, numberFlag } from '#scripts/shared/cli.ts';
import type { StartContext } from './context.ts';
import { PROCESSOR_GROUP, TOPIC } from './names.ts';

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
    onSweep: (summary) => {
      if (summary.totals.fired > 0) context.log(`silence sweep: ${summary.totals.fired} devices silent`);
    },
    onError: (error) => (context.problem = `silence sweep: ${errorMessage(error)}`),
  });
  await context.running.add('silence sweep', () => timer.stop());
};
