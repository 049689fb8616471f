/**
 * The contract shared across runtimes (CDK, Lambda, the local runtime, the bench, the cost model): every name and
 * range defined once. Pure: no AWS or Kafka imports.
 */
export { ENV } from './env.ts';
export {
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_PARTITIONS,
  DEFAULT_TOPIC,
  KAFKA_NAME,
  KAFKA_NAME_RULE,
  PARTITIONS,
} from './kafka.ts';
export {
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
