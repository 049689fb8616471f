/**
 * Powertools Metrics (EMF) behind the processor's metrics port, and a quiet local variant. (The function logger from
 * observability.ts already has the shape of the processor's `Log` port: it is passed as is.)
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName, ProcessorMetrics } from '#core/ports.ts';

const UNITS: Record<MetricName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  RecordsProcessed: MetricUnit.Count,
  RecordsInvalid: MetricUnit.Count,
  DynamoDBWrites: MetricUnit.Count,
  AlertsRaised: MetricUnit.Count,
  BatchLagMs: MetricUnit.Milliseconds,
  OffsetsRewound: MetricUnit.Count,
};

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
