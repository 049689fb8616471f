/**
 * The base of every error FleetStream throws on purpose (modelled on Powertools' `packages/kafka/src/errors.ts`). Each
 * subclass names itself with a string literal (`override readonly name = 'X'`, never the class's runtime name, which
 * a minifying bundler may shorten), so logs, dead letters and CLI messages tell them apart; catch one kind with
 * `instanceof`, or everything FleetStream raised with `instanceof FleetStreamError`.
 * `test/unit/architecture/errors.test.ts` keeps every error class under this base and named.
 */
export class FleetStreamError extends Error {
  override readonly name: string = 'FleetStreamError';
}
