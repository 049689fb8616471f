/**
 * The one observability entry every Lambda imports: a Powertools Logger (JSON lines with the same keys for every
 * function: level, message, service, timestamp, request context) and Metrics (EMF in the `FleetStream` namespace,
 * dimension `service`). Created once per container, at module scope; a function takes only what it uses, so a bundle
 * that only logs carries no metrics code.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Log } from '#core/log.ts';
import { METRICS_NAMESPACE } from '#core/processor-metrics.ts';

/** The deployed functions, as they name themselves in logs and metrics. */
export type FunctionService =
  | 'state-processor'
  | 'lookup-api'
  | 'notifier'
  | 'topic-admin'
  | 'load-generator'
  | 'ingest'
  | 'lake-compactor'
  | 'silence-sweep';

/** The function's logger; functions that also publish metrics take them from {@link functionMetrics}. */
export const functionLogger = (service: FunctionService): Logger => new Logger({ serviceName: service });

/** The function's log port: what the lookup API, the notifier and the topic admin take. */
export const functionLog = (service: FunctionService): Log => functionLogger(service);

export const functionMetrics = (service: FunctionService): Metrics =>
  new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });

/** Counts (unit Count) added during an invocation and published at its end, for functions whose metrics are counts. */
export const countMetrics = <Name extends string>(
  metrics: Metrics,
): { add(name: Name, value: number): void; flush(): void } => ({
  add: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
  flush: () => metrics.publishStoredMetrics(),
});
