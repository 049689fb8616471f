/** Where the state processor's custom metrics land (EMF via Powertools): shared by the handler and the alarms. */
export const METRICS_NAMESPACE = 'FleetStream';
export const PROCESSOR_SERVICE = 'state-processor';

/** The state processor's custom metrics, each named once here, with its EMF unit. */
export const PROCESSOR_METRICS = {
  RecordsProcessed: 'Count',
  RecordsInvalid: 'Count',
  DynamoDBWrites: 'Count',
  AlertsRaised: 'Count',
  /** The latest batch's lag (not a sum). */
  BatchLagMs: 'Milliseconds',
  /** Partitions whose batch ended below what they had already folded (see core/rewound.ts). */
  OffsetsRewound: 'Count',
} as const;

export type MetricName = keyof typeof PROCESSOR_METRICS;
export const METRIC_NAMES = Object.keys(PROCESSOR_METRICS) as readonly MetricName[];

/** The metric the OffsetsRewound alarm watches. */
export const OFFSETS_REWOUND_METRIC: MetricName = 'OffsetsRewound';
