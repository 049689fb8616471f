/** Kafka names and ranges shared by config, constructs, the topic admin, the CLIs and the local runtime. */

export const DEFAULT_TOPIC = 'modem-telemetry';
export const DEFAULT_PARTITIONS = 6;
/** The state processor's consumer group, deployed (event source mapping) and local alike. */
export const DEFAULT_CONSUMER_GROUP = 'fleetstream-state-processor';

/** Kafka's own rule for topic and group names. */
export const KAFKA_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
export const KAFKA_NAME_RULE = '[a-zA-Z0-9._-], 1–249';

/** Partitions of one topic: MSK Serverless allows at most 2,400 per cluster. */
export const PARTITIONS = { min: 1, max: 2400 } as const;
