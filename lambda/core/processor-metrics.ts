/** Where the state processor's custom metrics land (EMF via Powertools): shared by the handler and the alarms. */
export const METRICS_NAMESPACE = 'FleetStream';
export const PROCESSOR_SERVICE = 'state-processor';
/** Partitions whose batch ended below what they had already folded (see core/rewound.ts). */
export const OFFSETS_REWOUND_METRIC = 'OffsetsRewound';
