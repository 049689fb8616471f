/**
 * The one log port of the functions' code (lookup API, notifier, topic admin; the processor's `ProcessorLogger` has the
 * same shape). Handlers pass the one from `lambda/adapters/observability.ts` (`functionLog`): Powertools JSON lines
 * with the same keys in every function; tests pass a fake or `silentLog`.
 */
export interface Log {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
