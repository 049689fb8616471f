import { readFile } from 'node:fs/promises';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Rule } from '#core/rules.ts';
import { parseRegistryFile } from '#scripts/shared/registry-rows.ts';
import { writeRegistryRows } from '#scripts/shared/registry-writer.ts';

/** Alert rules a fresh local runtime starts with; edit them at run time with PUT/DELETE /rules/{ruleId}. */
export const DEFAULT_RULES: readonly Rule[] = [
  {
    ruleId: 'modem-down',
    description: 'A modem interface went down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
  {
    ruleId: 'cpu-high',
    description: 'CPU above 90 %',
    when: { field: 'cpuusage', op: '>', value: 90 },
    severity: 'warning',
    enabled: true,
  },
  {
    ruleId: 'memory-high',
    description: 'Memory use above 1,900 MB',
    when: { field: 'memoryusage', op: '>', value: 1900 },
    severity: 'warning',
    enabled: true,
  },
  {
    ruleId: 'modem-silent',
    description: 'A modem sent nothing for 2 minutes',
    when: { silentForSeconds: 120 },
    severity: 'critical',
    enabled: true,
  },
];

/**
 * Writes each default rule unless a rule with that id exists, so it never overwrites what a person changed.
 * The runtime calls it once per state folder (a marker file), so a deleted default stays deleted across restarts.
 */
export const seedRules = async (
  db: DynamoDBDocumentClient,
  table: string,
  rules: readonly Rule[] = DEFAULT_RULES,
  now = Date.now(),
): Promise<string[]> => {
  const added: string[] = [];
  for (const rule of rules) {
    try {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...rule, updatedAt: new Date(now).toISOString() },
          ConditionExpression: 'attribute_not_exists(ruleId)',
        }),
      );
      added.push(rule.ruleId);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return added;
};

/** Loads a sample registry CSV into the registry table (rows replace rows with the same deviceId). */
export const seedRegistry = async (
  db: DynamoDBDocumentClient,
  table: string,
  file: string,
): Promise<number> => {
  const { rows, errors } = parseRegistryFile(await readFile(file, 'utf8'), 'csv');
  if (errors.length > 0) throw new Error(`registry ${file}: ${errors.join('; ')}`);
  await writeRegistryRows(db, table, rows);
  return rows.length;
};
