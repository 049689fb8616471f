/**
 * Operator actions on alerts (docs/DATA_MODEL.md "Operator table"): mutes, which hold notifications back for a device
 * or a model until a time, and acknowledgements, which record who took an alert on and when. Keys and matching only;
 * the lookup API stores them, the notifier and the API read them.
 */

export const MUTE_PARTITION = 'MUTE';
export const ACK_SORT_KEY = 'ACK';

/** The limits of a mute (README "API limits", docs/openapi.json). */
export const MUTE_LIMITS = {
  /** Mutes in the table: every notification and every alert listing reads them all. */
  maxMutes: 1000,
  /** How far ahead `until` may be. */
  maxDurationMs: 366 * 86_400_000,
  maxCommentChars: 1024,
  /** Expired mutes stay readable this long, then DynamoDB's TTL removes them. */
  retainAfterUntilMs: 7 * 86_400_000,
} as const;

/** What a mute matches: exactly one device or one model. */
export type MuteTarget = { readonly deviceId: string } | { readonly model: string };

export interface Mute {
  readonly muteId: string;
  readonly target: MuteTarget;
  /** ISO 8601, UTC. */
  readonly until: string;
  readonly comment?: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface Acknowledgement {
  readonly alertId: string;
  /** The caller: the IAM principal's ARN in AWS. */
  readonly by: string;
  readonly at: string;
  readonly comment?: string;
}

export const muteKey = (muteId: string) => ({ pk: MUTE_PARTITION, sk: muteId });
export const ackKey = (alertId: string) => ({ pk: `ACK#${alertId}`, sk: ACK_SORT_KEY });

/** Alert ids are the first 32 hex characters of a sha256 (lambda/core/alerts.ts). */
export const ALERT_ID = /^[0-9a-f]{32}$/;

export const isActive = (mute: Pick<Mute, 'until'>, nowMs: number): boolean => Date.parse(mute.until) > nowMs;

/** The active mute covering an alert of this device and model at `nowMs`, if any (the first by muteId). */
export const matchingMute = (
  mutes: readonly Mute[],
  alert: { readonly deviceId: string; readonly model?: string },
  nowMs: number,
): Mute | undefined =>
  [...mutes]
    .sort((a, b) => (a.muteId < b.muteId ? -1 : a.muteId > b.muteId ? 1 : 0))
    .find(
      (mute) =>
        isActive(mute, nowMs) &&
        ('deviceId' in mute.target
          ? mute.target.deviceId === alert.deviceId
          : alert.model !== undefined && mute.target.model === alert.model),
    );

/** A stored mute item as a Mute (stored items are the API's own writes; anything else is skipped). */
export const muteFromItem = (item: Record<string, unknown>): Mute | undefined => {
  const { muteId, deviceId, model, until, comment, createdBy, updatedAt } = item;
  if (typeof muteId !== 'string' || typeof until !== 'string') return undefined;
  const target =
    typeof deviceId === 'string' ? { deviceId } : typeof model === 'string' ? { model } : undefined;
  if (target === undefined) return undefined;
  return {
    muteId,
    target,
    until,
    ...(typeof comment === 'string' ? { comment } : {}),
    createdBy: typeof createdBy === 'string' ? createdBy : 'unknown',
    updatedAt: typeof updatedAt === 'string' ? updatedAt : until,
  };
};
