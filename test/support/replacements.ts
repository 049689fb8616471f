import createOnlyFile from '#test/infra/create-only-properties.json' with { type: 'json' };

/**
 * Which resources CloudFormation would replace when a stack moves from one synthesized template to another: a
 * resource is replaced when its logical id disappears, its type changes, one of its create-only properties changes,
 * or a create-only property refers (Ref / Fn::GetAtt) to a resource that is itself replaced (its new physical id or ARN
 * flows into the property). Create-only lists come from cfn-lint's resource schemas (create-only-properties.json,
 * kept current by scripts/cfn-lint/run.sh), plus the custom resource types below that have no schema.
 */

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  readonly Resources?: Record<string, Resource>;
}

/**
 * Custom resources have no schema. CloudFormation refuses a new ServiceToken on update; the topic handler answers a
 * renamed topic with a new physical id (lambda/topic-admin/topic-resource.ts), which is a replacement.
 */
const CUSTOM_CREATE_ONLY: Readonly<Record<string, readonly string[]>> = {
  'Custom::KafkaTopic': ['/properties/ServiceToken', '/properties/Topic'],
};

const SCHEMA_CREATE_ONLY: Readonly<Record<string, readonly string[]>> = createOnlyFile.createOnlyProperties;

export const createOnlyOf = (type: string): readonly string[] => {
  const list = CUSTOM_CREATE_ONLY[type] ?? SCHEMA_CREATE_ONLY[type];
  if (list === undefined) {
    throw new Error(
      `no create-only list for ${type}: add it to the types in test/infra/create-only-properties.json ` +
        '(scripts/cfn-lint/create-only.py write …)',
    );
  }
  return list;
};

/** Values at a schema JSON pointer such as `/properties/VpcConfigs/*\/SubnetIds` (`*` = every array element). */
export const valuesAt = (properties: Record<string, unknown>, pointer: string): unknown[] => {
  const [root, ...path] = pointer.split('/').filter((part) => part !== '');
  if (root !== 'properties') throw new Error(`unexpected create-only pointer ${pointer}`);
  let current: unknown[] = [properties];
  for (const part of path) {
    current = current.flatMap((value) => {
      if (part === '*') return Array.isArray(value) ? value : [];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
      const next = (value as Record<string, unknown>)[part];
      return next === undefined ? [] : [next];
    });
  }
  return current;
};

/** Logical ids a value refers to (Ref and Fn::GetAtt), ignoring pseudo parameters. */
export const referencesIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (typeof value !== 'object' || value === null) return [];
  const v = value as Record<string, unknown>;
  const own: string[] = [];
  if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) own.push(v.Ref);
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') own.push(getAtt[0]);
  return [...own, ...Object.values(v).flatMap(referencesIn)];
};

/**
 * Which of the `roots` (logical ids of `before`) are replaced in `after`, with the reason; empty = none. Only the roots
 * and the resources their create-only properties refer to (transitively) are examined.
 */
export const replacedResources = (
  before: CfnTemplate,
  after: CfnTemplate,
  roots: readonly string[],
): Map<string, string> => {
  const old = before.Resources ?? {};
  const next = after.Resources ?? {};
  const verdicts = new Map<string, string | null>();

  const verdict = (id: string): string | null => {
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    verdicts.set(id, null); // cycles through create-only references cannot occur in a valid template; stop anyway
    const a = old[id];
    const b = next[id];
    let reason: string | null = null;
    if (a === undefined) reason = null;
    else if (b === undefined) reason = 'logical id gone';
    else if (a.Type !== b.Type) reason = `type ${a.Type} → ${b.Type}`;
    else {
      for (const pointer of createOnlyOf(a.Type)) {
        const was = valuesAt(a.Properties ?? {}, pointer);
        const is = valuesAt(b.Properties ?? {}, pointer);
        if (JSON.stringify(was) !== JSON.stringify(is)) {
          reason = `create-only ${pointer} changed`;
          break;
        }
        const replacedRef = referencesIn(is).find((ref) => ref in old && verdict(ref) !== null);
        if (replacedRef !== undefined) {
          reason = `create-only ${pointer} refers to ${replacedRef}, which is replaced`;
          break;
        }
      }
    }
    verdicts.set(id, reason);
    return reason;
  };

  const replaced = new Map<string, string>();
  for (const id of roots) {
    const reason = verdict(id);
    if (reason !== null) replaced.set(id, reason);
  }
  return replaced;
};
