import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Rule } from '#core/items.ts';

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

/** Parses one CSV line: comma-separated, fields optionally double-quoted with "" as an escaped quote. */
export const parseCsvLine = (line: string): string[] => {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field.replace(/\r$/, ''));
  return fields;
};

/** Registry rows from a CSV with a header that has a deviceId column; empty cells are left out. */
export const parseRegistryCsv = (text: string): Record<string, string>[] => {
  const [header, ...lines] = text.split('\n').filter((line) => line.trim() !== '');
  if (header === undefined) return [];
  const columns = parseCsvLine(header).map((c) => c.trim());
  if (!columns.includes('deviceId')) throw new Error('registry CSV needs a deviceId column');
  return lines.map((line, i) => {
    const cells = parseCsvLine(line);
    if (cells.length !== columns.length) {
      throw new Error(`registry CSV line ${i + 2}: ${cells.length} fields, header has ${columns.length}`);
    }
    const row: Record<string, string> = {};
    for (const [j, column] of columns.entries()) {
      const value = (cells[j] ?? '').trim();
      if (value !== '') row[column] = value;
    }
    if (row.deviceId === undefined) throw new Error(`registry CSV line ${i + 2}: empty deviceId`);
    return row;
  });
};

/** Loads a sample registry CSV into the registry table (rows replace rows with the same deviceId). */
export const seedRegistry = async (
  db: DynamoDBDocumentClient,
  table: string,
  file: string,
): Promise<number> => {
  const rows = parseRegistryCsv(await readFile(file, 'utf8'));
  for (let i = 0; i < rows.length; i += 25) {
    let requests = rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 8) throw new Error('registry load: DynamoDB kept returning unprocessed items');
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length > 0) await sleep(50 * 2 ** attempt);
    }
  }
  return rows.length;
};
