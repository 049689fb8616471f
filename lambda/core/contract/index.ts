/**
 * The contract shared across runtimes (CDK, Lambda, the local runtime, the bench, the cost model): every name and
 * range defined once. Pure: no AWS or Kafka imports.
 */
export { ENV } from './env.ts';
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
} from './kafka.ts';
export {
  type GlueColumnType,
  LAKE_PREFIX,
  type LakeColumn,
  lakeFolder,
  RAW_COLUMNS,
  RAW_PARTITION_KEYS,
  RAW_TABLE_NAME,
} from './lake.ts';
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
