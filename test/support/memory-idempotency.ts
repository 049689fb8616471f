import { IDEMPOTENCY_IN_PROGRESS_SECONDS, IDEMPOTENCY_WINDOW_SECONDS } from '#core/contract/index.ts';
import type { IdempotencyStore, StoredAnswer } from '#core/idempotency.ts';

interface Entry {
  fingerprint: string;
  answer?: StoredAnswer;
  lockedUntilMs: number;
  expiresAtMs: number;
}

/** The DynamoDB store's semantics in memory, for unit tests of the ingest app. */
export const memoryIdempotencyStore = (): IdempotencyStore & { readonly entries: Map<string, Entry> } => {
  const entries = new Map<string, Entry>();
  return {
    entries,
    async claim(id, fingerprint, now) {
      const e = entries.get(id);
      const free =
        e === undefined || e.expiresAtMs < now || (e.answer === undefined && e.lockedUntilMs < now);
      if (free) {
        entries.set(id, {
          fingerprint,
          lockedUntilMs: now + IDEMPOTENCY_IN_PROGRESS_SECONDS * 1000,
          expiresAtMs: now + IDEMPOTENCY_WINDOW_SECONDS * 1000,
        });
        return { kind: 'claimed' };
      }
      if (e.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return e.answer === undefined ? { kind: 'in-progress' } : { kind: 'replay', answer: e.answer };
    },
    async complete(id, fingerprint, answer, now) {
      const e = entries.get(id);
      if (e?.fingerprint === fingerprint && e.answer === undefined)
        entries.set(id, { ...e, answer, expiresAtMs: now + IDEMPOTENCY_WINDOW_SECONDS * 1000 });
    },
    async release(id, fingerprint) {
      const e = entries.get(id);
      if (e?.fingerprint === fingerprint && e.answer === undefined) entries.delete(id);
    },
  };
};
