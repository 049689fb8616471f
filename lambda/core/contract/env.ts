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
  rulesCacheSeconds: 'RULES_CACHE_SECONDS',
  registryCacheSeconds: 'REGISTRY_CACHE_SECONDS',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  digestThreshold: 'DIGEST_THRESHOLD',
  bootstrapBrokers: 'BOOTSTRAP_BROKERS',
  topicName: 'TOPIC_NAME',
} as const;
