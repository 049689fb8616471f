/**
 * Environment variable names the functions read. The CDK constructs set them (`bind*`), the handlers read them, the
 * local runtime and the bench set them locally: all three take the names from here.
 */
export const ENV = {
  stateTable: 'STATE_TABLE',
  registryTable: 'REGISTRY_TABLE',
  rulesTable: 'RULES_TABLE',
  alertsTable: 'ALERTS_TABLE',
  operatorTable: 'OPERATOR_TABLE',
  deadLetterStream: 'DEAD_LETTER_STREAM',
  windowRetentionDays: 'WINDOW_RETENTION_DAYS',
  maxEventTimeSkewSeconds: 'MAX_EVENT_TIME_SKEW_SECONDS',
  newDevicesPerPartitionMinute: 'NEW_DEVICES_PER_PARTITION_MINUTE',
  rulesCacheSeconds: 'RULES_CACHE_SECONDS',
  registryCacheSeconds: 'REGISTRY_CACHE_SECONDS',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  digestThreshold: 'DIGEST_THRESHOLD',
  bootstrapBrokers: 'BOOTSTRAP_BROKERS',
  topicName: 'TOPIC_NAME',
  /** JSON LoadGeneratorLimits (contract/guardrails.ts): the bounds the load generator enforces on a request. */
  loadGeneratorLimits: 'LOAD_GENERATOR_LIMITS',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  lakeBucket: 'LAKE_BUCKET',
  athenaWorkGroup: 'ATHENA_WORKGROUP',
  glueDatabase: 'GLUE_DATABASE',
  compactionDelayMinutes: 'COMPACTION_DELAY_MINUTES',
  compactionLateHours: 'COMPACTION_LATE_HOURS',
  /** The processor's consumer group (the event source mapping's ConsumerGroupId): the silence sweep reads its lag. */
  consumerGroupId: 'CONSUMER_GROUP_ID',
  stallAfterSeconds: 'STALL_AFTER_SECONDS',
  lagSettleSeconds: 'LAG_SETTLE_SECONDS',
} as const;
