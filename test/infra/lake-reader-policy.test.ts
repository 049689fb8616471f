import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CURATED_TABLE_NAME, RAW_LINES_TABLE_NAME, RAW_TABLE_NAME } from '#core/contract/index.ts';
import { actionsOf, render, resourcesOf, type Statement, synthFleetStream } from './support.ts';

/**
 * The lake reader's managed policy (lake-reader-policy.ts) reads exactly the tables a reader queries: the raw table
 * and, when deployed, the curated table `telemetry` (its Glue table and the objects under curated/telemetry/), and
 * nothing the compactor alone needs (raw_lines, writes under curated/, Glue changes).
 */

type ReaderStatement = Statement & { Sid?: string; Condition?: unknown };

const readerStatements = (template: Template): ReaderStatement[] => {
  const policies = resourcesOf(template, 'AWS::IAM::ManagedPolicy').filter(([id]) =>
    id.startsWith('LakeReader'),
  );
  expect(policies).toHaveLength(1);
  const document = (policies[0]?.[1].PolicyDocument ?? {}) as { Statement: ReaderStatement[] };
  return document.Statement;
};

const bySid = (statements: ReaderStatement[], sid: string) => statements.find((s) => s.Sid === sid);
const resources = (s: ReaderStatement | undefined) =>
  s === undefined ? [] : [s.Resource].flat().map((r) => render(r));

describe('LakeReaderPolicy', () => {
  const on = readerStatements(synthFleetStream().stateful$);
  const off = readerStatements(synthFleetStream({ curatedLake: { enabled: false } }).stateful$);

  it('reads the curated table: its Glue table and partitions, and objects under curated/telemetry/ only', () => {
    const catalog = resources(bySid(on, 'Catalog'));
    expect(catalog.filter((r) => r.includes(':table/'))).toEqual([
      expect.stringMatching(new RegExp(`:table/[^/]+/${RAW_TABLE_NAME}$`)),
      expect.stringMatching(new RegExp(`:table/[^/]+/${CURATED_TABLE_NAME}$`)),
    ]);
    expect(actionsOf(bySid(on, 'Catalog') as Statement)).toEqual(
      expect.arrayContaining(['glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions']),
    );
    expect(resources(bySid(on, 'ReadCurated'))).toEqual([expect.stringMatching(/\/curated\/telemetry\/\*$/)]);
    expect(actionsOf(bySid(on, 'ReadCurated') as Statement)).toEqual(['s3:GetObject']);
    const listed = JSON.stringify(bySid(on, 'ListLakePrefixes')?.Condition);
    expect(listed).toContain('"curated/telemetry/*"');
  });

  it('grants nothing the compactor alone needs and no wider curated prefix', () => {
    const all = JSON.stringify(on.map((s) => ({ ...s, Resource: resources(s) })));
    expect(all).not.toContain(RAW_LINES_TABLE_NAME);
    expect(all).not.toMatch(/curated\/\*|curated\/"/);
    const actions = on.flatMap((s) => actionsOf(s));
    expect(actions.filter((a) => /^glue:(Create|Update|Delete|BatchCreate)/.test(a))).toEqual([]);
    for (const statement of on.filter((s) => actionsOf(s).some((a) => /^s3:(Put|Delete)/.test(a))))
      expect(resources(statement).every((r) => r.includes('/athena-results/'))).toBe(true);
  });

  it('leaves the curated table out when it is not deployed', () => {
    expect(bySid(off, 'ReadCurated')).toBeUndefined();
    expect(JSON.stringify(off.map((s) => ({ ...s, Resource: resources(s) })))).not.toContain('curated');
  });
});
