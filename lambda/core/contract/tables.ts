/**
 * The four DynamoDB tables (docs/DATA_MODEL.md): key schema, indexes, TTL, stream and the environment variable a
 * function reads the table's name from. The CDK construct and the local runtime both build their tables from this.
 */
import { ENV } from './env.ts';

export const GSI_BY_STATUS = 'byStatus';
export const GSI_BY_MODEL = 'byModel';
export const GSI_ALERTS_BY_DAY = 'byDay';

export type TableId = 'state' | 'registry' | 'rules' | 'alerts' | 'operator';
export const TABLE_IDS: readonly TableId[] = ['state', 'registry', 'rules', 'alerts', 'operator'];

/** Every key attribute is a string. */
export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export type IndexProjection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };

export interface IndexSpec extends KeySchema {
  readonly name: string;
  readonly projection: IndexProjection;
}

export interface TableSpec extends KeySchema {
  /** The environment variable holding the table's name in every function bound to it. */
  readonly envVar: string;
  readonly indexes: readonly IndexSpec[];
  readonly timeToLiveAttribute?: string;
  readonly stream?: 'NEW_IMAGE';
}

export const TABLES: Readonly<Record<TableId, TableSpec>> = {
  state: {
    envVar: ENV.stateTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    // Lean projections: an index is written only when a projected attribute changes, so a device write that keeps
    // its status and model (nearly all of them) costs no index write. Listings read the full items by key.
    indexes: [
      {
        name: GSI_BY_STATUS,
        partitionKey: 'status',
        sortKey: 'deviceId',
        projection: { type: 'INCLUDE', nonKeyAttributes: ['model'] },
      },
      { name: GSI_BY_MODEL, partitionKey: 'model', sortKey: 'deviceId', projection: { type: 'KEYS_ONLY' } },
    ],
  },
  registry: { envVar: ENV.registryTable, partitionKey: 'deviceId', indexes: [] },
  rules: { envVar: ENV.rulesTable, partitionKey: 'ruleId', indexes: [] },
  alerts: {
    envVar: ENV.alertsTable,
    partitionKey: 'deviceId',
    sortKey: 'alertKey',
    stream: 'NEW_IMAGE',
    indexes: [
      { name: GSI_ALERTS_BY_DAY, partitionKey: 'day', sortKey: 'alertKey', projection: { type: 'ALL' } },
    ],
  },
  // What operators do to alerts (lambda/core/operator.ts): mutes (pk `MUTE`, sk muteId; TTL after `until`) and
  // acknowledgements (pk `ACK#<alertId>`, sk `ACK`). Written only by the lookup API's admin routes.
  operator: {
    envVar: ENV.operatorTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
  },
};

/** The key attributes of a table and its indexes, each once (what DynamoDB calls AttributeDefinitions). */
export const keyAttributes = (table: TableSpec): string[] => [
  ...new Set(
    [table, ...table.indexes].flatMap((k) =>
      k.sortKey === undefined ? [k.partitionKey] : [k.partitionKey, k.sortKey],
    ),
  ),
];
