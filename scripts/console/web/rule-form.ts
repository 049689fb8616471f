// Pure (no DOM): the rule form's values ⇄ the API's rule document, and the API's 400 reason → the form field.

export const RULE_FORM_FIELDS = [
  'ruleId',
  'description',
  'when.field',
  'when.op',
  'when.value',
  'models',
  'registry',
  'severity',
  'enabled',
] as const;
export type RuleFormField = (typeof RULE_FORM_FIELDS)[number];

export interface RuleFormValues {
  readonly ruleId: string;
  readonly description: string;
  readonly field: string;
  readonly op: string;
  readonly value: string;
  /** Comma-separated model names. */
  readonly models: string;
  /** One `name=value` per line. */
  readonly registry: string;
  readonly severity: string;
  readonly enabled: boolean;
}

export type RuleDocument = Record<string, unknown>;

export type FormResult =
  | { ok: true; document: RuleDocument }
  | { ok: false; field: RuleFormField; reason: string };

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The document the form sends. It does not second-guess the API: a value is sent as a number only when it reads as
 * one, so a wrong value for a numeric field reaches the API and comes back with the API's own reason.
 */
export const ruleDocument = (values: RuleFormValues): FormResult => {
  const registry: Record<string, string> = Object.create(null);
  for (const [index, line] of values.registry.split('\n').entries()) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) {
      return {
        ok: false,
        field: 'registry',
        reason: `line ${index + 1}: write name=value (got "${line.trim()}")`,
      };
    }
    registry[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const models = values.models
    .split(',')
    .map((model) => model.trim())
    .filter((model) => model !== '');
  const value = values.value.trim();
  const document: RuleDocument = {
    ruleId: values.ruleId.trim(),
    when: { field: values.field, op: values.op, value: NUMBER.test(value) ? Number(value) : value },
    severity: values.severity,
    enabled: values.enabled,
  };
  if (values.description.trim() !== '') document.description = values.description.trim();
  if (models.length > 0) document.models = models;
  if (Object.keys(registry).length > 0) document.registry = { ...registry };
  return { ok: true, document };
};

/** A rule as the API stores and answers it (GET /rules), loosely typed: the form edits any stored rule. */
export interface Rule {
  ruleId: string;
  description?: string;
  when: { field: string; op: string; value: string | number };
  models?: string[];
  registry?: Record<string, string>;
  severity: string;
  enabled: boolean;
  updatedAt?: string;
}

/** The form values showing a stored rule (for editing). */
export const formValues = (rule: Rule): RuleFormValues => ({
  ruleId: rule.ruleId,
  description: rule.description ?? '',
  field: rule.when.field,
  op: rule.when.op,
  value: String(rule.when.value),
  models: (rule.models ?? []).join(', '),
  registry: Object.entries(rule.registry ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('\n'),
  severity: rule.severity,
  enabled: rule.enabled,
});

/** Longest names first so `when.value` wins over `when`. */
const BY_LENGTH = [...RULE_FORM_FIELDS].sort((a, b) => b.length - a.length);

/**
 * Which field an API reason is about: the API names the field first ("invalid rule: when.value for cpuusage must be
 * a number", "ruleId must be …", "ruleId in the body …"); anything else (unknown field, bad JSON) is the form's.
 */
export const fieldOfReason = (reason: string): RuleFormField | null => {
  const text = reason.replace(/^invalid rule:\s*/, '');
  for (const name of BY_LENGTH) {
    if (text === name || text.startsWith(`${name} `) || text.startsWith(`${name}:`)) return name;
  }
  if (text.startsWith('when ')) return 'when.field';
  return null;
};
