// Pure (no DOM): the rule form's values ⇄ the API's rule document, and the API's 400 reason → the form field.

export const RULE_FORM_FIELDS = [
  'ruleId',
  'description',
  'kind',
  'when.field',
  'when.op',
  'when.value',
  'forSeconds',
  'when.silentForSeconds',
  'models',
  'registry',
  'severity',
  'enabled',
] as const;
export type RuleFormField = (typeof RULE_FORM_FIELDS)[number];

/** A threshold on each record, or silence (no record processed for a while). */
export const RULE_KINDS = ['threshold', 'silence'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface RuleFormValues {
  readonly ruleId: string;
  readonly description: string;
  readonly kind: RuleKind;
  readonly field: string;
  readonly op: string;
  readonly value: string;
  /** Threshold rules: seconds the condition must hold before it fires; empty for none. */
  readonly forSeconds: string;
  /** Silence rules: seconds without a processed record. */
  readonly silentForSeconds: string;
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
/** A number when the text reads as one, else the text itself (the API then says what is wrong with it). */
const asNumber = (text: string): string | number => {
  const value = text.trim();
  return NUMBER.test(value) ? Number(value) : value;
};

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
  const document: RuleDocument = {
    ruleId: values.ruleId.trim(),
    when:
      values.kind === 'silence'
        ? { silentForSeconds: asNumber(values.silentForSeconds) }
        : { field: values.field, op: values.op, value: asNumber(values.value) },
    severity: values.severity,
    enabled: values.enabled,
  };
  if (values.kind === 'threshold' && values.forSeconds.trim() !== '')
    document.forSeconds = asNumber(values.forSeconds);
  if (values.description.trim() !== '') document.description = values.description.trim();
  if (models.length > 0) document.models = models;
  if (Object.keys(registry).length > 0) document.registry = { ...registry };
  return { ok: true, document };
};

/** A rule as the API stores and answers it (GET /rules), loosely typed: the form edits any stored rule. */
export interface Rule {
  ruleId: string;
  description?: string;
  when: { field: string; op: string; value: string | number } | { silentForSeconds: number };
  forSeconds?: number;
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
  ...('silentForSeconds' in rule.when
    ? {
        kind: 'silence' as const,
        ...EMPTY_THRESHOLD,
        silentForSeconds: String(rule.when.silentForSeconds),
      }
    : {
        kind: 'threshold' as const,
        field: rule.when.field,
        op: rule.when.op,
        value: String(rule.when.value),
        silentForSeconds: String(DEFAULT_SILENT_FOR_SECONDS),
      }),
  forSeconds: rule.forSeconds === undefined ? '' : String(rule.forSeconds),
  models: (rule.models ?? []).join(', '),
  registry: Object.entries(rule.registry ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('\n'),
  severity: rule.severity,
  enabled: rule.enabled,
});

/** The threshold a new rule starts from (and a silence rule's hidden threshold controls show). */
export const EMPTY_THRESHOLD = { field: 'interfacestatus', op: '==', value: 'down' } as const;
/** What the silence field starts at: two minutes (like the seeded modem-silent rule). */
export const DEFAULT_SILENT_FOR_SECONDS = 120;

/** How the rules page states a rule's condition: `field op value`, `… for N s`, or `silent for N s`. */
export const conditionText = (rule: Pick<Rule, 'when' | 'forSeconds'>): string => {
  if ('silentForSeconds' in rule.when) return `silent for ${rule.when.silentForSeconds} s`;
  const { field, op, value } = rule.when;
  const held = rule.forSeconds === undefined || rule.forSeconds === 0 ? '' : ` for ${rule.forSeconds} s`;
  return `${field} ${op} ${value}${held}`;
};

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
