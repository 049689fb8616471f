/**
 * The idempotency port of the ingest route (lambda/ingest): claim a key before producing, store the answer after Kafka acknowledged,
 * release the claim when producing failed. A key is scoped by caller and bound to the body it was first used with.
 */
import { createHash } from 'node:crypto';

export interface StoredAnswer {
  readonly statusCode: number;
  readonly body: string;
}

export type Claim =
  /** First use (or the previous use expired): produce, then complete. */
  | { readonly kind: 'claimed' }
  /** Completed before with the same body: answer this again, produce nothing. */
  | { readonly kind: 'replay'; readonly answer: StoredAnswer }
  /** The first request with this key has not answered yet. */
  | { readonly kind: 'in-progress' }
  /** Used before with a different body. */
  | { readonly kind: 'mismatch' };

export interface IdempotencyStore {
  claim(id: string, fingerprint: string, nowMs: number): Promise<Claim>;
  complete(id: string, fingerprint: string, answer: StoredAnswer, nowMs: number): Promise<void>;
  release(id: string, fingerprint: string): Promise<void>;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The stored id of a key: one caller's key never answers for another's. */
export const idempotencyId = (caller: string, key: string): string => sha256(`${caller}\n${key}`);

/** What a retry must repeat exactly to be a replay. */
export const bodyFingerprint = (body: string): string => sha256(body);
