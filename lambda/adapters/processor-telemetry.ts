/** Powertools Logger + Metrics (EMF) behind the processor's logger/metrics ports, and quiet local variants. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProcessorLogger, ProcessorMetrics } from '#core/ports.ts';
import { METRIC_NAMES, type MetricName, PROCESSOR_METRICS } from '#core/processor-metrics.ts';
import { logOf } from './observability.ts';

export const powertoolsLogger = (logger: Logger): ProcessorLogger => logOf(logger);

export const powertoolsMetrics = (metrics: Metrics): ProcessorMetrics => ({
  add: (name, value) => metrics.addMetric(name, MetricUnit[PROCESSOR_METRICS[name]], value),
  flush: () => metrics.publishStoredMetrics(),
});

/** Accumulates totals in memory (local runtime, benchmarks): nothing goes to stdout. */
export class TotalsMetrics implements ProcessorMetrics {
  readonly totals = Object.fromEntries(METRIC_NAMES.map((name) => [name, 0])) as Record<MetricName, number>;
  add(name: MetricName, value: number): void {
    if (name === 'BatchLagMs')
      this.totals[name] = value; // the latest batch's lag, not a sum
    else this.totals[name] += value;
  }
  flush(): void {}
}
