/** Powertools Logger + Metrics (EMF) behind the processor's logger/metrics ports, and quiet local variants. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName, ProcessorLogger, ProcessorMetrics } from '#core/ports.ts';

const UNITS: Record<MetricName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  RecordsProcessed: MetricUnit.Count,
  RecordsInvalid: MetricUnit.Count,
  DynamoDBWrites: MetricUnit.Count,
  AlertsRaised: MetricUnit.Count,
  BatchLagMs: MetricUnit.Milliseconds,
  OffsetsRewound: MetricUnit.Count,
};

export const powertoolsLogger = (logger: Logger): ProcessorLogger => ({
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
});

export const powertoolsMetrics = (metrics: Metrics): ProcessorMetrics => ({
  add: (name, value) => metrics.addMetric(name, UNITS[name], value),
  flush: () => metrics.publishStoredMetrics(),
});

/** Accumulates totals in memory (local runtime, benchmarks): nothing goes to stdout. */
export class TotalsMetrics implements ProcessorMetrics {
  readonly totals: Record<MetricName, number> = {
    RecordsProcessed: 0,
    RecordsInvalid: 0,
    DynamoDBWrites: 0,
    AlertsRaised: 0,
    BatchLagMs: 0,
    OffsetsRewound: 0,
  };
  add(name: MetricName, value: number): void {
    if (name === 'BatchLagMs')
      this.totals[name] = value; // the latest batch's lag, not a sum
    else this.totals[name] += value;
  }
  flush(): void {}
}
