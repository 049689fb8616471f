/**
 * Alert rules (the parameter table): validation of a rule document and evaluation against a record.
 * The lookup API's PUT /rules and the processor's rules cache share `validateRule`.
 */
import {
  CPU_RANGE,
  hasLoneSurrogate,
  MAX_TEXT_FIELD_LENGTH,
  MEMORY_RANGE,
  type TelemetryRecord,
} from './record.ts';
import { type Registry, registryCopy, registryProblem } from './registry.ts';

export type RuleField = 'interfacestatus' | 'cpuusage' | 'memoryusage';
export type RuleOp = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type Severity = 'info' | 'warning' | 'critical';

/** A condition on each record of the device. */
export interface ThresholdWhen {
  field: RuleField;
  op: RuleOp;
  value: string | number;
}

/** No record of the device processed for this many seconds (found by the silence sweep, not by the processor). */
export interface SilenceWhen {
  silentForSeconds: number;
}

export interface Rule {
  ruleId: string;
  description?: string;
  when: ThresholdWhen | SilenceWhen;
  /** Threshold rules only: the condition must hold on every record for this long (by event_time) before it fires. */
  forSeconds?: number;
  models?: string[];
  registry?: Registry;
  severity: Severity;
  enabled: boolean;
}

export type ThresholdRule = Rule & { when: ThresholdWhen };
export type SilenceRule = Rule & { when: SilenceWhen };

export const isSilenceRule = (rule: Rule): rule is SilenceRule => 'silentForSeconds' in rule.when;
export const isThresholdRule = (rule: Rule): rule is ThresholdRule => !isSilenceRule(rule);

/** Bounds of `when.silentForSeconds`: a minute (the sweep's period) to a day. */
export const SILENT_FOR_SECONDS = { min: 60, max: 86_400 } as const;
/** Bounds of `forSeconds` on a threshold rule. */
export const FOR_SECONDS = { min: 0, max: 86_400 } as const;

export const RULE_FIELDS: readonly RuleField[] = ['interfacestatus', 'cpuusage', 'memoryusage'];
export const RULE_OPS: readonly RuleOp[] = ['==', '!=', '>', '>=', '<', '<='];
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Why a rule id is refused (the lookup API's paths answer the same reason). */
export const RULE_ID_REASON =
  'ruleId must be 1-128 characters of A-Z a-z 0-9 . _ : - (starting alphanumeric)';
export const isRuleId = (value: unknown): value is string => typeof value === 'string' && RULE_ID.test(value);
const KNOWN_FIELDS = new Set([
  'ruleId',
  'description',
  'when',
  'forSeconds',
  'models',
  'registry',
  'severity',
  'enabled',
]);
// Stored alongside the rule in the rules table; tolerated so stored rows re-validate.
const STORED_FIELDS = new Set(['updatedAt']);
const MAX_DESCRIPTION = 1024;
/** Bounds a rule (it is stored whole, and its id lands in device items' `firing`). */
export const MAX_RULE_MODELS = 64;
/** A rule's numeric threshold lies in its field's valid range (beyond it a rule is always or never true). */
const FIELD_RANGES = { cpuusage: CPU_RANGE, memoryusage: MEMORY_RANGE } as const;

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A value a record field can hold: 1-256 characters, no unpaired surrogate (DynamoDB refuses those). */
const isFieldText = (value: unknown): value is string =>
  isNonEmptyString(value) && value.length <= MAX_TEXT_FIELD_LENGTH && !hasLoneSurrogate(value);

type WhenValidation = { ok: true; when: Rule['when'] } | { ok: false; reason: string };

const isWholeSecondsIn = (value: unknown, range: { min: number; max: number }): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;

const validateSilence = (when: Record<string, unknown>): WhenValidation => {
  const extra = Object.keys(when).find((k) => k !== 'silentForSeconds');
  if (extra !== undefined)
    return { ok: false, reason: `when.silentForSeconds cannot be combined with when.${extra}` };
  if (!isWholeSecondsIn(when.silentForSeconds, SILENT_FOR_SECONDS))
    return {
      ok: false,
      reason: `when.silentForSeconds must be a whole number of seconds from ${SILENT_FOR_SECONDS.min} to ${SILENT_FOR_SECONDS.max}`,
    };
  return { ok: true, when: { silentForSeconds: when.silentForSeconds } };
};

const validateWhen = (when: unknown): WhenValidation => {
  if (!isObject(when))
    return { ok: false, reason: 'when must be an object {field, op, value} or {silentForSeconds}' };
  if (Object.hasOwn(when, 'silentForSeconds')) return validateSilence(when);
  const { field, op, value } = when;
  if (!RULE_FIELDS.includes(field as RuleField))
    return { ok: false, reason: `when.field must be one of ${RULE_FIELDS.join(', ')}` };
  if (!RULE_OPS.includes(op as RuleOp))
    return { ok: false, reason: `when.op must be one of ${RULE_OPS.join(' ')}` };
  if (field === 'interfacestatus') {
    if (op !== '==' && op !== '!=')
      return { ok: false, reason: 'when.op for interfacestatus must be == or !=' };
    if (!isFieldText(value))
      return {
        ok: false,
        reason: `when.value for interfacestatus must be a string of 1-${MAX_TEXT_FIELD_LENGTH} characters`,
      };
  } else {
    const range = FIELD_RANGES[field as Exclude<RuleField, 'interfacestatus'>];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max)
      return {
        ok: false,
        reason: `when.value for ${String(field)} must be a number in ${range.min}-${range.max}`,
      };
  }
  return { ok: true, when: { field: field as RuleField, op: op as RuleOp, value: value as string | number } };
};

/** Validates a rule document; unknown fields are refused so typos ("model" for "models") do not pass silently. */
export const validateRule = (input: unknown): RuleValidation => {
  if (!isObject(input)) return { ok: false, reason: 'rule must be a JSON object' };
  const unknown = Object.keys(input).find((k) => !KNOWN_FIELDS.has(k) && !STORED_FIELDS.has(k));
  if (unknown !== undefined) return { ok: false, reason: `unknown field "${unknown}"` };
  const { ruleId, description, models, registry, severity, enabled } = input;
  if (!isRuleId(ruleId)) return { ok: false, reason: RULE_ID_REASON };
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > MAX_DESCRIPTION || hasLoneSurrogate(description))
  )
    return { ok: false, reason: `description must be a string of at most ${MAX_DESCRIPTION} characters` };
  const when = validateWhen(input.when);
  if (!when.ok) return when;
  const { forSeconds } = input;
  if (forSeconds !== undefined) {
    if ('silentForSeconds' in when.when)
      return {
        ok: false,
        reason: 'forSeconds applies to threshold rules only (a silence rule has its own duration)',
      };
    if (!isWholeSecondsIn(forSeconds, FOR_SECONDS))
      return {
        ok: false,
        reason: `forSeconds must be a whole number of seconds from ${FOR_SECONDS.min} to ${FOR_SECONDS.max}`,
      };
  }
  if (
    models !== undefined &&
    (!Array.isArray(models) ||
      models.length === 0 ||
      models.length > MAX_RULE_MODELS ||
      !models.every(isFieldText))
  )
    return {
      ok: false,
      reason: `models must be an array of 1-${MAX_RULE_MODELS} model names of 1-${MAX_TEXT_FIELD_LENGTH} characters`,
    };
  if (registry !== undefined) {
    if (!isObject(registry) || Object.keys(registry).length === 0)
      return { ok: false, reason: 'registry must be a non-empty object of string attributes' };
    const problem = registryProblem(registry);
    if (problem) return { ok: false, reason: `registry: ${problem}` };
  }
  if (!SEVERITIES.includes(severity as Severity))
    return { ok: false, reason: `severity must be one of ${SEVERITIES.join(', ')}` };
  if (enabled !== undefined && typeof enabled !== 'boolean')
    return { ok: false, reason: 'enabled must be a boolean' };

  const rule: Rule = { ruleId, when: when.when, severity: severity as Severity, enabled: enabled ?? true };
  if (description !== undefined) rule.description = description;
  if (forSeconds !== undefined) rule.forSeconds = forSeconds as number;
  if (models !== undefined) rule.models = [...(models as string[])];
  if (registry !== undefined) rule.registry = registryCopy(registry as Record<string, unknown>);
  return { ok: true, rule };
};

/** The record's value for a rule field. */
export const fieldValue = (record: TelemetryRecord, field: RuleField): string | number =>
  field === 'interfacestatus' ? record.status : field === 'cpuusage' ? record.cpuUsage : record.memoryUsage;

const compare = (actual: string | number, op: RuleOp, expected: string | number): boolean => {
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
  }
};

/** The rule's filters (enabled, models, registry attribute equality) select this device. */
export const ruleApplies = (rule: Rule, record: TelemetryRecord, registry: Registry | null): boolean => {
  if (!rule.enabled) return false;
  if (rule.models !== undefined && !rule.models.includes(record.model)) return false;
  if (rule.registry !== undefined) {
    if (registry === null) return false;
    for (const [attribute, value] of Object.entries(rule.registry))
      if (!Object.hasOwn(registry, attribute) || registry[attribute] !== value) return false;
  }
  return true;
};

/** The rule's condition holds for this record (filters included). A silence rule never matches a record. */
export const ruleMatches = (rule: Rule, record: TelemetryRecord, registry: Registry | null): boolean =>
  isThresholdRule(rule) &&
  ruleApplies(rule, record, registry) &&
  compare(fieldValue(record, rule.when.field), rule.when.op, rule.when.value);

/** A rule entering its condition on a record: `since` is when its condition began (its `forSeconds` clock). */
export interface Entered {
  rule: ThresholdRule;
  since: string;
}

/** A device's trigger state between records: the rules firing, and the rules held pending by `forSeconds`. */
export interface TriggerState {
  /** Sorted rule ids. */
  firing: string[];
  /** ruleId → event_time its condition began (rules with `forSeconds` whose condition holds, not yet long enough). */
  pendingSince: ReadonlyMap<string, string>;
}

/**
 * A rule whose condition holds on the record and is not firing yet: it enters when it has held for `forSeconds` by
 * event_time (since the record where it began, kept in `pendingSince`), else it is (still) pending.
 */
const enterOrWait = (
  rule: ThresholdRule,
  pending: ReadonlyMap<string, string>,
  record: TelemetryRecord,
): { entered: string } | { pending: string } => {
  const since = pending.get(rule.ruleId) ?? record.eventTime;
  const heldMs = record.eventTimeMs - Date.parse(since);
  return heldMs >= (rule.forSeconds ?? 0) * 1000 ? { entered: since } : { pending: since };
};

/**
 * The trigger on a device's new current-state record: the new firing set (sorted), the pending set and the rules that
 * just entered. A rule enters when its condition has held on every record for its `forSeconds` (0 or absent: on the
 * first record); a record outside the condition re-arms it and resets its clock; a rule gone or disabled re-arms.
 */
export const evaluateTrigger = (
  rules: readonly Rule[],
  before: TriggerState,
  record: TelemetryRecord,
  registry: Registry | null,
): TriggerState & { entered: Entered[] } => {
  const firing = new Set(before.firing);
  const matching = rules.filter(isThresholdRule).filter((rule) => ruleMatches(rule, record, registry));
  const pendingSince = new Map<string, string>();
  const entered: Entered[] = [];
  const next: string[] = [];
  for (const rule of matching) {
    if (firing.has(rule.ruleId)) {
      next.push(rule.ruleId);
      continue;
    }
    const step = enterOrWait(rule, before.pendingSince, record);
    if ('pending' in step) pendingSince.set(rule.ruleId, step.pending);
    else {
      next.push(rule.ruleId);
      entered.push({ rule, since: step.entered });
    }
  }
  return { firing: next.sort(), pendingSince, entered };
};
