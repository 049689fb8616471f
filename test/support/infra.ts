import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { parseConfig } from '#lib/config.ts';
import { FleetFunction } from '#lib/constructs/fleet-function.ts';
import { addFleetStream, type FleetStreamStacks } from '#lib/fleetstream.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');

/** An app that skips asset bundling, so infra tests neither run esbuild nor need the handler files. */
export const testApp = (): App => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

export interface Synthesized extends FleetStreamStacks {
  readonly app: App;
  readonly config: ReturnType<typeof parseConfig>;
  readonly stateful$: Template;
  readonly processing$: Template;
}

/** Synthesizes both stacks from a raw `fleetstream` context value (validated exactly as bin/app.ts does). */
export const synthFleetStream = (context: Record<string, unknown> = {}): Synthesized => {
  const app = testApp();
  const config = parseConfig(context);
  const stacks = addFleetStream(app, config, projectRoot);
  return {
    app,
    config,
    ...stacks,
    stateful$: Template.fromStack(stacks.stateful),
    processing$: Template.fromStack(stacks.processing),
  };
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;

/** All resources of one type, as [logicalId, properties]. */
export const resourcesOf = (template: Template, type: string): [string, Record<string, unknown>][] =>
  Object.entries(template.findResources(type) as Resources).map(([id, r]) => [id, r.Properties ?? {}]);

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every Allow statement of every IAM policy in the template. */
export const allowStatements = (template: Template): Statement[] =>
  resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, props]) =>
    ((props.PolicyDocument as { Statement: Statement[] }).Statement ?? []).filter(
      (s) => s.Effect === 'Allow',
    ),
  );

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOfStatement = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/**
 * Renders a CloudFormation value as a readable string: `<Logical.Attr>` for GetAtt, `<import:Name>` for imports,
 * `<uuid(…)>` for the Fn::Select(2, Fn::Split('/', …)) that extracts the MSK cluster UUID.
 */
export const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (v['Fn::ImportValue'] !== undefined) return `<import:${render(v['Fn::ImportValue'])}>`;
  if (v.Ref !== undefined) return `<${render(v.Ref)}>`;
  if (Array.isArray(v['Fn::Select'])) {
    const [index, list] = v['Fn::Select'] as [number, Record<string, unknown>];
    const split = list['Fn::Split'] as [string, unknown] | undefined;
    if (index === 2 && split?.[0] === '/') return `<uuid(${render(split[1])})>`;
  }
  return JSON.stringify(value);
};

/** A FleetFunction as synthesized: its handler entry and its Lambda resource in the stack's template. */
export interface SynthesizedFunction {
  readonly entry: string;
  readonly logicalId: string;
  readonly properties: {
    readonly Handler: string;
    readonly Runtime: string;
    readonly MemorySize: number;
    readonly Timeout: number;
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
  readonly metadata: Record<string, unknown>;
}

/** Every FleetFunction of a synthesized app, found in the construct tree and read back from its stack's template. */
export const fleetFunctionsOf = (app: App): SynthesizedFunction[] => {
  const templates = new Map<Stack, Template>();
  return app.node
    .findAll()
    .filter((c): c is FleetFunction => c instanceof FleetFunction)
    .map((fleetFunction) => {
      const stack = Stack.of(fleetFunction);
      const template = templates.get(stack) ?? Template.fromStack(stack);
      templates.set(stack, template);
      const logicalId = stack.getLogicalId(fleetFunction.function.node.defaultChild as CfnFunction);
      const resource = (template.toJSON() as { Resources: Record<string, Record<string, unknown>> })
        .Resources[logicalId];
      if (resource === undefined) throw new Error(`no resource ${logicalId} for ${fleetFunction.entry}`);
      return {
        entry: fleetFunction.entry,
        logicalId,
        properties: resource.Properties as SynthesizedFunction['properties'],
        metadata: (resource.Metadata ?? {}) as Record<string, unknown>,
      };
    });
};
