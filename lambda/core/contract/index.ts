/**
 * The contract shared across runtimes (CDK, Lambda, the local runtime, the bench, the cost model): every name and
 * range defined once. Pure: no AWS or Kafka imports.
 */
export {
  DEFAULT_ALERT_GROUP_WINDOW_SECONDS,
  DEFAULT_LAG_SETTLE_SECONDS,
  DEFAULT_MUTES_CACHE_SECONDS,
  DEFAULT_REGISTRY_CACHE_SECONDS,
  DEFAULT_RULES_CACHE_SECONDS,
  DEFAULT_STALL_AFTER_SECONDS,
  DEFAULT_SWEEP_SECONDS,
  DEFAULT_WINDOW_RETENTION_DAYS,
} from './defaults.ts';
export { ENV } from './env.ts';
export {
  CALLER_LIMIT_MIN,
  CALLER_LIMIT_WINDOWS,
  CALLER_LIMITS,
  type CallerLimits,
  type CallerLimitWindow,
  callerLimitMessage,
  LOAD_GENERATOR_LIMITS,
  type LoadGeneratorLimits,
  UNFILTERED_LISTING,
} from './guardrails.ts';
export {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_IN_PROGRESS_SECONDS,
  IDEMPOTENCY_KEY_RULE,
  IDEMPOTENCY_TABLE,
  IDEMPOTENCY_WINDOW_SECONDS,
  INGEST_MAX_BYTES,
  INGEST_MAX_RECORDS,
  INGEST_PATH,
  INGEST_TIMEOUT_SECONDS,
} from './ingest.ts';
export {
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_PARTITIONS,
  DEFAULT_TOPIC,
  KAFKA_NAME,
  KAFKA_NAME_RULE,
  PARTITIONS,
  TELEMETRY_TOPIC_CONFIGS,
} from './kafka.ts';
export {
  COMPACTOR_TIMEOUT_MINUTES,
  CURATED_COLUMNS,
  CURATED_COMPACTION_DEFAULTS,
  CURATED_PARTITION_KEYS,
  CURATED_TABLE_NAME,
  CURATED_TABLE_PREFIX,
  type CuratedColumn,
  type CuratedColumnType,
  type GlueColumnType,
  LAKE_PREFIX,
  type LakeColumn,
  lakeFolder,
  RAW_COLUMNS,
  RAW_LINES_TABLE_NAME,
  RAW_PARTITION_KEYS,
  RAW_TABLE_NAME,
} from './lake.ts';
export { DYNAMODB_LIMITS, FIREHOSE_LIMITS, LAMBDA_LIMITS } from './limits.ts';
export {
  GSI_ALERTS_BY_DAY,
  GSI_BY_MODEL,
  GSI_BY_STATUS,
  type IndexProjection,
  type IndexSpec,
  type KeySchema,
  keyAttributes,
  TABLE_IDS,
  TABLES,
  type TableId,
  type TableSpec,
} from './tables.ts';
