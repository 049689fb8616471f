/**
 * The one logging seam: the shape of the function logger every handler takes from adapters/observability.ts
 * (Powertools' Logger, passed as is), so the processor, the lookup API, the notifier and the topic admin log alike;
 * the local runtime and tests pass their own, or `silentLog`.
 */

/** Structured attributes of a log line. */
export type LogAttributes = Record<string, unknown>;

export interface Log {
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
