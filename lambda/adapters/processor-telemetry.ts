/**
 * Powertools Metrics (EMF) behind the processor's metrics port, and a quiet local variant. (The function logger from
 * observability.ts already has the shape of the processor's `Log` port: it is passed as is.)
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProcessorMetrics } from '#core/ports.ts';
import { METRIC_NAMES, type MetricName, PROCESSOR_METRICS } from '#core/processor-metrics.ts';

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
