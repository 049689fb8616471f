/**
 * Defaults shared by the deployed stack, the Lambda handlers and the local runtime, each written once: what an unset
 * config key or environment variable means.
 */

/** Days a closed minute window is kept (its item's TTL): `windowRetentionDays`, `WINDOW_RETENTION_DAYS`. */
export const DEFAULT_WINDOW_RETENTION_DAYS = 7;
/** Seconds the state processor trusts its copy of the rules table (`RULES_CACHE_SECONDS`). */
export const DEFAULT_RULES_CACHE_SECONDS = 30;
/** Seconds the state processor trusts a registry row it read (`REGISTRY_CACHE_SECONDS`). */
export const DEFAULT_REGISTRY_CACHE_SECONDS = 60;
/**
 * Seconds the notifier's stream mapping gathers alert changes before an invocation (its MaximumBatchingWindow): the
 * group window of digests. `npm start --profile realtime|balanced|economy` uses it too (scripts/local/profile.ts).
 */
export const DEFAULT_ALERT_GROUP_WINDOW_SECONDS = 30;
/** Seconds the notifier trusts its copy of the mutes (`PUT /mutes` takes effect within this, like a rule change). */
export const DEFAULT_MUTES_CACHE_SECONDS = 30;
