/**
 * PUT /mutes/{muteId}: the body as a mute, or a 400 with the reason. Exactly one of `deviceId` (a record device id)
 * and `model` (a record model), `until` an ISO 8601 time with a zone, in the future and at most
 * MUTE_LIMITS.maxDurationMs ahead, and an optional `comment`. Nothing else.
 */
import { MUTE_LIMITS, type MuteTarget } from '#core/operator.ts';
import { hasLoneSurrogate } from '#core/record.ts';
import { badRequest } from './http.ts';
import { describeValue } from './rule-document.ts';
import { isDeviceId, parseIsoTime, parseToken } from './validation.ts';

export interface MuteDocument {
  readonly target: MuteTarget;
  /** Canonical ISO (UTC). */
  readonly until: string;
  readonly comment?: string;
}

const MAX_BODY_BYTES = 4 * 1024;
const FIELDS = new Set(['muteId', 'deviceId', 'model', 'until', 'comment']);
const NON_PRINTABLE = /\p{C}/u;

const parseObject = (body: string | null, what: string): Record<string, unknown> => {
  if (body === null || body.trim() === '') throw badRequest(`body must be ${what} (JSON)`);
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES)
    throw badRequest(`body larger than ${MAX_BODY_BYTES / 1024} KiB`);
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    throw badRequest('body is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw badRequest('body must be a JSON object');
  return document as Record<string, unknown>;
};

const own = (object: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(object, name) ? object[name] : undefined;

/** An optional free-text comment: 1-1,024 printable characters, valid Unicode. */
export const parseComment = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    [...value].length > MUTE_LIMITS.maxCommentChars ||
    hasLoneSurrogate(value) ||
    NON_PRINTABLE.test(value)
  )
    throw badRequest(`comment must be 1-${MUTE_LIMITS.maxCommentChars} printable characters`);
  return value;
};

const parseTarget = (document: Record<string, unknown>): MuteTarget => {
  const deviceId = own(document, 'deviceId');
  const model = own(document, 'model');
  if ((deviceId === undefined) === (model === undefined))
    throw badRequest('a mute names exactly one of deviceId and model');
  if (deviceId !== undefined) {
    if (typeof deviceId !== 'string' || !isDeviceId(deviceId))
      throw badRequest(`deviceId must be 1-128 printable characters (got ${describeValue(deviceId)})`);
    return { deviceId };
  }
  if (typeof model !== 'string') throw badRequest(`model must be a string (got ${describeValue(model)})`);
  return { model: parseToken('model', model) };
};

const parseUntil = (value: unknown, nowMs: number): string => {
  if (typeof value !== 'string') throw badRequest('until must be an ISO 8601 time with a zone');
  const until = parseIsoTime('until', value);
  if (until <= nowMs) throw badRequest('until must be in the future');
  if (until - nowMs > MUTE_LIMITS.maxDurationMs)
    throw badRequest(`until may be at most ${MUTE_LIMITS.maxDurationMs / 86_400_000} days ahead`);
  return new Date(until).toISOString();
};

export const parseMuteDocument = (muteId: string, body: string | null, nowMs: number): MuteDocument => {
  const document = parseObject(body, 'a mute');
  for (const name of Object.keys(document))
    if (!FIELDS.has(name)) throw badRequest(`unknown field ${describeValue(name)} in a mute`);
  const bodyMuteId = own(document, 'muteId');
  if (bodyMuteId !== undefined && bodyMuteId !== muteId)
    throw badRequest(`muteId in the body (${describeValue(bodyMuteId)}) does not match the path`);
  const comment = parseComment(own(document, 'comment'));
  return {
    target: parseTarget(document),
    until: parseUntil(own(document, 'until'), nowMs),
    ...(comment === undefined ? {} : { comment }),
  };
};

/** POST /alerts/{alertId}/ack: no body, an empty one, or `{"comment": "…"}`. */
export const parseAckDocument = (body: string | null): { comment?: string } => {
  if (body === null || body.trim() === '') return {};
  const document = parseObject(body, 'an acknowledgement');
  for (const name of Object.keys(document))
    if (name !== 'comment') throw badRequest(`unknown field ${describeValue(name)} in an acknowledgement`);
  const comment = parseComment(own(document, 'comment'));
  return comment === undefined ? {} : { comment };
};
