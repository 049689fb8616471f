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

/**
 * Configs every telemetry topic is created with (topic:create, the CDK custom resource, the local runtime). The broker
 * stamps each record with its append time (`LogAppendTime`): the processor's clock-skew rule judges event_time
 * against that timestamp, which a producer cannot set and a retry cannot change (docs/DATA_MODEL.md "Deterministic
 * decisions"). MSK Serverless allows the setting per topic. Applied at creation only: an older topic keeps CreateTime
 * (`kafka-configs --alter --add-config message.timestamp.type=LogAppendTime` changes it in place).
 */
export const TELEMETRY_TOPIC_CONFIGS: Readonly<Record<string, string>> = Object.freeze({
  'message.timestamp.type': 'LogAppendTime',
});
