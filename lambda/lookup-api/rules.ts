import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { validateRule } from '#core/rules.ts';
import type { LookupDeps } from './deps.ts';
import { badRequest, json, noContent, notFound } from './http.ts';
import { toRuleView } from './mappers.ts';
import type { ApiRequest, Route } from './router.ts';
import { parseToken } from './validation.ts';

const MAX_RULE_BYTES = 16 * 1024;

const listRules = async (_request: ApiRequest, deps: LookupDeps) => {
  const rules: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new ScanCommand({ TableName: deps.tables.rules, ExclusiveStartKey: startKey }),
    );
    rules.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  const items = rules
    .map(toRuleView)
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return json(200, { items });
};

/** Creates or replaces a rule. The path names the rule; a ruleId in the body must agree (or is filled in). */
const putRule = async (request: ApiRequest, deps: LookupDeps) => {
  const ruleId = parseToken('ruleId', request.params.ruleId ?? '', 128);
  if (request.body === null || request.body.trim() === '')
    throw badRequest('body must be a rule document (JSON)');
  if (Buffer.byteLength(request.body, 'utf8') > MAX_RULE_BYTES)
    throw badRequest('rule document larger than 16 KiB');
  let document: unknown;
  try {
    document = JSON.parse(request.body);
  } catch {
    throw badRequest('body is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw badRequest('body must be a JSON object');
  }
  const body = document as Record<string, unknown>;
  if (body.ruleId !== undefined && body.ruleId !== ruleId) {
    throw badRequest(`ruleId in the body ("${String(body.ruleId)}") does not match the path ("${ruleId}")`);
  }
  if (body.updatedAt !== undefined) throw badRequest('updatedAt is set by the server');
  const validated = validateRule({ ...body, ruleId });
  if (!validated.ok) throw badRequest(`invalid rule: ${validated.reason}`);
  const stored = { ...validated.rule, updatedAt: new Date(deps.now()).toISOString() };
  await deps.db.send(new PutCommand({ TableName: deps.tables.rules, Item: stored }));
  return json(200, toRuleView(stored));
};

const deleteRule = async (request: ApiRequest, deps: LookupDeps) => {
  const ruleId = parseToken('ruleId', request.params.ruleId ?? '', 128);
  try {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.tables.rules,
        Key: { ruleId },
        ConditionExpression: 'attribute_exists(ruleId)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw notFound(`rule ${ruleId} not found`);
    throw error;
  }
  return noContent();
};

export const ruleRoutes: Route<LookupDeps>[] = [
  { method: 'GET', pattern: '/rules', handler: listRules },
  { method: 'PUT', pattern: '/rules/{ruleId}', handler: putRule },
  { method: 'DELETE', pattern: '/rules/{ruleId}', handler: deleteRule },
];
