import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag names each wildcard finding after the flattened CloudFormation value; reuse its own flattener so the id we
// acknowledge is exactly the one it reports (not exported from the package index; pinned by the lockfile).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one AwsSolutions-IAM5 wildcard-resource finding on `scope` (a role or policy), for one resource ARN
 * pattern. Works for values of the same stack (cross-stack references flatten to import names).
 */
export const acknowledgeWildcardResource = (scope: IConstruct, resource: string, reason: string): void => {
  const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
};
