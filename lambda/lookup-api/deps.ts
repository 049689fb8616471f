import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface LookupTables {
  readonly state: string;
  readonly registry: string;
  readonly rules: string;
  readonly alerts: string;
  /** Mutes and acknowledgements. */
  readonly operator: string;
}

/** What the routes need; the Lambda builds it from the environment, the local runtime and tests pass their own. */
export interface LookupDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tables: LookupTables;
  /** Epoch ms; injectable so default time ranges are testable. */
  readonly now: () => number;
}
