import { RULE_FIELDS, RULE_OPS, SEVERITIES } from '#core/rules.ts';
import { ApiError, get, type Rule, request } from './api.ts';
import { type Context, runAction } from './context.ts';
import { changed, field, h, replaceChildren, select, table } from './dom.ts';
import { formatTime } from './format.ts';
import {
  conditionText,
  DEFAULT_SILENT_FOR_SECONDS,
  EMPTY_THRESHOLD,
  fieldOfReason,
  formValues,
  RULE_FORM_FIELDS,
  RULE_KINDS,
  type RuleFormField,
  type RuleFormValues,
  type RuleKind,
  ruleDocument,
} from './rule-form.ts';

const POLL_MS = 10_000;
const EMPTY: RuleFormValues = {
  ruleId: '',
  description: '',
  kind: 'threshold',
  ...EMPTY_THRESHOLD,
  forSeconds: '',
  silentForSeconds: String(DEFAULT_SILENT_FOR_SECONDS),
  models: '',
  registry: '',
  severity: 'warning',
  enabled: true,
};
const controlId = (name: RuleFormField) => `rule-${name.replace('.', '-')}`;
const rulePath = (ruleId: string) => `/rules/${encodeURIComponent(ruleId)}`;
/** What PUT accepts: the stored rule without the server's own field. */
const editable = ({ updatedAt: _, ...rule }: Rule) => rule;

const KIND_LABELS: Record<RuleKind, string> = {
  threshold: 'Threshold on each record',
  silence: 'Silence (no record for a while)',
};
/** The controls of one kind of rule only; the other kind's are hidden. */
const THRESHOLD_ONLY: readonly RuleFormField[] = ['when.field', 'when.op', 'when.value', 'forSeconds'];
const SILENCE_ONLY: readonly RuleFormField[] = ['when.silentForSeconds'];

const describe = (rule: Rule) =>
  [
    conditionText(rule),
    rule.models ? `models ${rule.models.join(', ')}` : '',
    rule.registry
      ? `registry ${Object.entries(rule.registry)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`
      : '',
  ]
    .filter((part) => part !== '')
    .join('; ');

export const rulesPage = (root: HTMLElement, context: Context): void => {
  const controls = {
    ruleId: h('input', { name: 'ruleId', required: true, maxlength: 128, autocomplete: 'off' }),
    description: h('input', { name: 'description', maxlength: 1024, autocomplete: 'off' }),
    kind: select(
      'kind',
      RULE_KINDS.map((kind) => [kind, KIND_LABELS[kind]] as const),
    ),
    field: select(
      'field',
      RULE_FIELDS.map((name) => [name, name] as const),
    ),
    op: select(
      'op',
      RULE_OPS.map((op) => [op, op] as const),
    ),
    value: h('input', { name: 'value', autocomplete: 'off' }),
    forSeconds: h('input', { name: 'forSeconds', inputmode: 'numeric', autocomplete: 'off' }),
    silentForSeconds: h('input', { name: 'silentForSeconds', inputmode: 'numeric', autocomplete: 'off' }),
    models: h('input', { name: 'models', autocomplete: 'off' }),
    registry: h('textarea', { name: 'registry', rows: 2 }),
    severity: select(
      'severity',
      SEVERITIES.map((name) => [name, name] as const),
    ),
    enabled: h('input', { name: 'enabled', type: 'checkbox' }),
  };
  const formError = h('p', { class: 'field-error', id: 'rule-form-error', role: 'alert' });
  const status = h('p', { class: 'hint', role: 'status' });
  const title = h('h2', { id: 'rule-form-title' }, 'New rule');
  const fill = (values: RuleFormValues, ruleId: string | null) => {
    controls.ruleId.value = values.ruleId;
    controls.ruleId.readOnly = ruleId !== null;
    controls.description.value = values.description;
    controls.kind.value = values.kind;
    controls.field.value = values.field;
    controls.op.value = values.op;
    controls.value.value = values.value;
    controls.forSeconds.value = values.forSeconds;
    controls.silentForSeconds.value = values.silentForSeconds;
    showKind();
    controls.models.value = values.models;
    controls.registry.value = values.registry;
    controls.severity.value = values.severity;
    controls.enabled.checked = values.enabled;
    title.textContent = ruleId === null ? 'New rule' : `Edit rule ${ruleId}`;
    clearErrors();
  };
  /** Shows the controls of the selected kind of rule and hides the other kind's. */
  const showKind = () => {
    const silence = controls.kind.value === 'silence';
    for (const name of [...THRESHOLD_ONLY, ...SILENCE_ONLY]) {
      const box = form.querySelector<HTMLElement>(`[data-field="${controlId(name)}"]`);
      if (box) box.hidden = SILENCE_ONLY.includes(name) !== silence;
    }
  };
  controls.kind.addEventListener('change', showKind);
  const clearErrors = () => {
    formError.textContent = '';
    for (const name of RULE_FORM_FIELDS) {
      const control = document.getElementById(controlId(name));
      control?.removeAttribute('aria-invalid');
      const error = document.getElementById(`${controlId(name)}-error`);
      if (error) error.textContent = '';
    }
  };
  /** Puts the reason under the field it is about (and focuses it), else above the form. */
  const showError = (reason: string, at: RuleFormField | null) => {
    const control = at === null ? null : document.getElementById(controlId(at));
    const error = at === null ? null : document.getElementById(`${controlId(at)}-error`);
    if (control && error) {
      error.textContent = reason;
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    } else {
      formError.textContent = reason;
    }
  };

  const form = h(
    'form',
    {
      class: 'rule-form',
      'aria-labelledby': 'rule-form-title',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        clearErrors();
        status.textContent = '';
        const result = ruleDocument({
          ruleId: controls.ruleId.value,
          description: controls.description.value,
          kind: controls.kind.value === 'silence' ? 'silence' : 'threshold',
          field: controls.field.value,
          op: controls.op.value,
          value: controls.value.value,
          forSeconds: controls.forSeconds.value,
          silentForSeconds: controls.silentForSeconds.value,
          models: controls.models.value,
          registry: controls.registry.value,
          severity: controls.severity.value,
          enabled: controls.enabled.checked,
        });
        if (!result.ok) return showError(result.reason, result.field);
        const ruleId = String(result.document.ruleId);
        if (ruleId === '') return showError('ruleId is required', 'ruleId');
        try {
          await request<Rule>('PUT', rulePath(ruleId), result.document);
        } catch (error) {
          if (error instanceof ApiError && error.status === 400)
            return showError(error.reason, fieldOfReason(error.reason));
          if (error instanceof ApiError && error.status === 403 && context.config.target === 'aws') {
            return showError(
              `${error.reason}: changing rules needs the rules-admin permission on the deployed API.`,
              null,
            );
          }
          return showError(error instanceof Error ? error.message : String(error), null);
        }
        status.textContent = `Saved rule ${ruleId}. It takes effect within 30 s.`;
        fill(EMPTY, null);
        await refresh().catch(context.report);
      },
    },
    formError,
    h(
      'div',
      { class: 'form-grid' },
      field(
        controlId('ruleId'),
        'Rule id',
        controls.ruleId,
        'Letters, digits and . _ : - (e.g. vip-modem-down)',
      ),
      field(controlId('description'), 'Description', controls.description),
      field(controlId('kind'), 'Kind', controls.kind),
      field(controlId('when.field'), 'When field', controls.field),
      field(controlId('when.op'), 'Operator', controls.op),
      field(
        controlId('when.value'),
        'Value',
        controls.value,
        'A number for cpuusage (%) and memoryusage (MB), a status such as down',
      ),
      field(
        controlId('forSeconds'),
        'For seconds',
        controls.forSeconds,
        'Fire only after the condition held on every record this long (0-86,400); empty to fire at once',
      ),
      field(
        controlId('when.silentForSeconds'),
        'Silent for seconds',
        controls.silentForSeconds,
        'Fire when no record of the device was processed this long (60-86,400)',
      ),
      field(controlId('models'), 'Only models', controls.models, 'Comma-separated; empty for all'),
      field(
        controlId('registry'),
        'Only registry attributes',
        controls.registry,
        'One name=value per line; empty for all',
      ),
      field(controlId('severity'), 'Severity', controls.severity),
      field(controlId('enabled'), 'Enabled', controls.enabled),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Save rule'),
      h('button', { type: 'button', onclick: () => fill(EMPTY, null) }, 'Clear form'),
    ),
  );

  const list = h('div', { 'aria-live': 'polite' });
  const act = async (what: () => Promise<unknown>, done: string) => {
    await runAction(context, status, what, done);
    await refresh().catch(context.report);
  };
  const refresh = async () => {
    const { items } = await get<{ items: Rule[] }>('/rules');
    if (changed(list, items))
      replaceChildren(
        list,
        items.length === 0
          ? h('p', { class: 'empty' }, 'No rule yet: create one with the form below.')
          : table(
              'Alert rules',
              ['Rule', 'Condition', 'Severity', 'State', 'Updated', 'Actions'],
              items.map((rule) => [
                h(
                  'span',
                  { 'data-rule': rule.ruleId },
                  rule.ruleId,
                  rule.description ? h('span', { class: 'hint block' }, rule.description) : null,
                ),
                describe(rule),
                h('span', { class: `severity severity-${rule.severity}` }, rule.severity),
                rule.enabled ? 'enabled' : 'disabled',
                formatTime(rule.updatedAt),
                h(
                  'span',
                  { class: 'actions' },
                  h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `Edit rule ${rule.ruleId}`,
                      onclick: () => {
                        fill(formValues(rule), rule.ruleId);
                        controls.description.focus();
                      },
                    },
                    'Edit',
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `${rule.enabled ? 'Disable' : 'Enable'} rule ${rule.ruleId}`,
                      onclick: () =>
                        act(
                          () =>
                            request('PUT', rulePath(rule.ruleId), {
                              ...editable(rule),
                              enabled: !rule.enabled,
                            }),
                          `Rule ${rule.ruleId} ${rule.enabled ? 'disabled' : 'enabled'}.`,
                        ),
                    },
                    rule.enabled ? 'Disable' : 'Enable',
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      'aria-label': `Delete rule ${rule.ruleId}`,
                      onclick: () => {
                        if (confirm(`Delete rule ${rule.ruleId}?`))
                          void act(
                            () => request('DELETE', rulePath(rule.ruleId)),
                            `Rule ${rule.ruleId} deleted.`,
                          );
                      },
                    },
                    'Delete',
                  ),
                ),
              ]),
            ),
      );
    root.dataset.rendered = 'rules';
  };

  replaceChildren(
    root,
    h('h1', {}, 'Rules'),
    h(
      'p',
      { class: 'hint' },
      context.config.target === 'aws'
        ? 'Alert rules of the deployed pipeline. Changing them needs the rules-admin permission (reading needs only the read permission).'
        : 'Alert rules: a threshold rule fires once per device when its condition becomes true (or has held for its duration) and resolves when it becomes false; a silence rule fires when a device stops reporting and resolves when it reports again.',
    ),
    status,
    list,
    h('section', { 'aria-labelledby': 'rule-form-title' }, title, form),
  );
  fill(EMPTY, null);
  context.poll(refresh, POLL_MS);
};
