import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { LookupDeps } from './deps.ts';
import { badRequest, json, noContent, notFound } from './http.ts';
import { toRuleView } from './mappers.ts';
import type { ApiRequest, Route } from './router.ts';
import { parseRuleDocument, RULE_LIMITS } from './rule-document.ts';
import { parseRuleId } from './validation.ts';

const listRules = async (_request: ApiRequest, deps: LookupDeps) => {
  const rules: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: deps.db }, { TableName: deps.tables.rules }))
    rules.push(...(page.Items ?? []));
  const items = rules
    .map(toRuleView)
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return json(200, { items });
};

/** Rules in the table, counted with a key-only Scan (the table is small: at most RULE_LIMITS.maxRules). */
const countRules = async (deps: LookupDeps): Promise<number> => {
  let count = 0;
  for await (const page of paginateScan(
    { client: deps.db },
    { TableName: deps.tables.rules, Select: 'COUNT' },
  ))
    count += page.Count ?? 0;
  return count;
};

/**
 * Creates or replaces a rule. A new rule is refused once the table holds RULE_LIMITS.maxRules (every processor
 * evaluates every rule for every device); two concurrent creations may both pass the count, so the bound can be
 * exceeded by the number of concurrent admins, never by a loop of requests.
 */
const putRule = async (request: ApiRequest, deps: LookupDeps) => {
  const ruleId = parseRuleId(request.params.ruleId ?? '');
  const rule = parseRuleDocument(ruleId, request.body);
  const existing = await deps.db.send(
    new GetCommand({
      TableName: deps.tables.rules,
      Key: { ruleId },
      ProjectionExpression: 'ruleId',
      ConsistentRead: true,
    }),
  );
  if (existing.Item === undefined && (await countRules(deps)) >= RULE_LIMITS.maxRules)
    throw badRequest(`at most ${RULE_LIMITS.maxRules} rules; delete one before adding another`);
  const stored = { ...rule, updatedAt: new Date(deps.now()).toISOString() };
  await deps.db.send(new PutCommand({ TableName: deps.tables.rules, Item: stored }));
  return json(200, toRuleView(stored));
};

const deleteRule = async (request: ApiRequest, deps: LookupDeps) => {
  const ruleId = parseRuleId(request.params.ruleId ?? '');
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
