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
/** Seconds a partition of the processor may stay behind before the sweep raises "pipeline stalled" (`STALL_AFTER_SECONDS`). */
export const DEFAULT_STALL_AFTER_SECONDS = 120;
/**
 * Seconds the silence sweep waits for the processor to reach the end offsets it just observed (`LAG_SETTLE_SECONDS`):
 * about one batching window, so a current pipeline is judged through "now" and not through the previous sweep.
 */
export const DEFAULT_LAG_SETTLE_SECONDS = 15;
/** Seconds between silence sweeps (the schedule in AWS; the local runtime's timer, `FLEETSTREAM_SWEEP_SECONDS`). */
export const DEFAULT_SWEEP_SECONDS = 60;
