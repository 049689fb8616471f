/**
 * PUT /rules/{ruleId}: the body as a rule document, refused with a reason before DynamoDB could refuse it (or a
 * processor could choke on it). The shape is checked by the core's `validateRule`; this module adds what a client
 * must not be able to send: oversized or deeply nested documents, strings DynamoDB cannot store (unpaired
 * surrogates), numbers outside the record contract (DynamoDB's SDK refuses unsafe integers such as 1e16), and
 * filters too large to copy into every alert.
 */

import { CPU_RANGE, hasLoneSurrogate, MAX_TEXT_FIELD_LENGTH, MEMORY_RANGE } from '#core/record.ts';
import type { Rule } from '#core/rules.ts';
import { validateRule } from '#core/rules.ts';
import { badRequest } from './http.ts';

/** The bounds of a rule (README "Lookup API", docs/openapi.json). */
export const RULE_LIMITS = {
  /** Body size, UTF-8 bytes. */
  maxDocumentBytes: 16 * 1024,
  /** Nesting of objects/arrays; a rule needs 2 (`when`, `models`, `registry` inside the document). */
  maxDepth: 4,
  maxDescriptionChars: 1024,
  maxModels: 50,
  maxRegistryAttributes: 16,
  /** Text values (models, registry values, the interfacestatus value): a record text field's bound. */
  maxTextChars: MAX_TEXT_FIELD_LENGTH,
  /** Decimal places of a numeric `when.value`. */
  maxDecimals: 6,
  /** Rules in the table: every processor evaluates all of them for every device. */
  maxRules: 100,
} as const;

const NUMERIC_RANGES = new Map<string, { min: number; max: number }>([
  ['cpuusage', CPU_RANGE],
  ['memoryusage', MEMORY_RANGE],
]);
// Registry attribute names as registry:load writes them from CSV headers; never `__proto__` and friends' shape.
const REGISTRY_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const NON_PRINTABLE = /\p{C}/u;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const own = (object: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(object, name) ? object[name] : undefined;

/** A short, bounded description of a client value for an error message (never recursive, never throws). */
export const describeValue = (value: unknown): string => {
  if (typeof value === 'string') {
    const shown = [...value.slice(0, 64)].filter((c) => !NON_PRINTABLE.test(c)).join('');
    return JSON.stringify(value.length > 64 ? `${shown}…` : shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
};

/** Depth of nested objects/arrays, walked with an explicit stack (a hostile document cannot overflow ours). */
const tooDeep = (root: unknown, maxDepth: number): boolean => {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth + 1 > maxDepth) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
};

/** Every string in the document, keys included, is well-formed UTF-16 (DynamoDB stores UTF-8). */
const allStringsWellFormed = (root: unknown): boolean => {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (hasLoneSurrogate(value)) return false;
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (hasLoneSurrogate(key)) return false;
        stack.push(child);
      }
    }
  }
  return true;
};

const text = (name: string, value: unknown, maxChars: number): void => {
  if (typeof value !== 'string') return; // the core validation names the expected type
  const chars = [...value].length;
  if (chars > maxChars || NON_PRINTABLE.test(value))
    throw badRequest(`invalid rule: ${name} must be 1-${maxChars} printable characters`);
};

const decimals = (value: number): number => {
  const [, fraction = ''] = String(value).split('.');
  return fraction.length;
};

const checkWhen = (when: unknown): void => {
  if (!isPlainObject(when)) return;
  const field = own(when, 'field');
  const value = own(when, 'value');
  if (field === 'interfacestatus') {
    text('when.value', value, RULE_LIMITS.maxTextChars);
    return;
  }
  const range = typeof field === 'string' ? NUMERIC_RANGES.get(field) : undefined;
  if (range === undefined || typeof value !== 'number') return;
  if (
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    String(value).includes('e') ||
    decimals(value) > RULE_LIMITS.maxDecimals
  ) {
    throw badRequest(
      `invalid rule: when.value for ${field} must be a number from ${range.min} to ${range.max} ` +
        `with at most ${RULE_LIMITS.maxDecimals} decimals (got ${describeValue(value)})`,
    );
  }
};

const checkFilters = (body: Record<string, unknown>): void => {
  const description = own(body, 'description');
  if (typeof description === 'string' && [...description].length > RULE_LIMITS.maxDescriptionChars)
    throw badRequest(
      `invalid rule: description must be at most ${RULE_LIMITS.maxDescriptionChars} characters`,
    );
  const models = own(body, 'models');
  if (Array.isArray(models)) {
    if (models.length > RULE_LIMITS.maxModels)
      throw badRequest(`invalid rule: models may list at most ${RULE_LIMITS.maxModels} models`);
    for (const model of models) text('each model', model, RULE_LIMITS.maxTextChars);
  }
  const registry = own(body, 'registry');
  if (isPlainObject(registry)) {
    const entries = Object.entries(registry);
    if (entries.length > RULE_LIMITS.maxRegistryAttributes)
      throw badRequest(
        `invalid rule: registry may filter on at most ${RULE_LIMITS.maxRegistryAttributes} attributes`,
      );
    for (const [name, value] of entries) {
      // `constructor` & co.: the SDK's marshaller refuses a map with such a key (the PutItem would fail).
      if (!REGISTRY_NAME.test(name) || Object.hasOwn(Object.prototype, name))
        throw badRequest(
          `invalid rule: registry attribute names must be 1-64 characters of A-Z a-z 0-9 _ . - starting with a letter, not an Object.prototype member such as constructor (got ${describeValue(name)})`,
        );
      text(`registry.${name}`, value, RULE_LIMITS.maxTextChars);
    }
  }
};

/**
 * The rule a PUT body describes, or a 400 with the reason. The path names the rule; a ruleId in the body must agree
 * (or is filled in); `updatedAt` is the server's.
 */
export const parseRuleDocument = (ruleId: string, body: string | null): Rule => {
  if (body === null || body.trim() === '') throw badRequest('body must be a rule document (JSON)');
  if (Buffer.byteLength(body, 'utf8') > RULE_LIMITS.maxDocumentBytes)
    throw badRequest(`rule document larger than ${RULE_LIMITS.maxDocumentBytes / 1024} KiB`);
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    throw badRequest('body is not valid JSON');
  }
  if (!isPlainObject(document)) throw badRequest('body must be a JSON object');
  if (tooDeep(document, RULE_LIMITS.maxDepth))
    throw badRequest(`rule document nested deeper than ${RULE_LIMITS.maxDepth} levels`);
  if (!allStringsWellFormed(document))
    throw badRequest('rule document contains a string that is not valid Unicode (unpaired surrogate)');
  const bodyRuleId = own(document, 'ruleId');
  if (bodyRuleId !== undefined && bodyRuleId !== ruleId) {
    throw badRequest(
      `ruleId in the body (${describeValue(bodyRuleId)}) does not match the path (${describeValue(ruleId)})`,
    );
  }
  if (own(document, 'updatedAt') !== undefined) throw badRequest('updatedAt is set by the server');
  checkWhen(own(document, 'when'));
  checkFilters(document);
  const validated = validateRule({ ...document, ruleId });
  if (!validated.ok) throw badRequest(`invalid rule: ${validated.reason}`);
  return validated.rule;
};
