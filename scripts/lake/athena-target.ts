import { requireOutput, STATEFUL_STACK, stackOutputs } from '#scripts/shared/aws-stack.ts';

/** Where `--athena` runs: the workgroup and Glue database, from flags or from the deployed stack's outputs. */

export interface AthenaTarget {
  readonly region: string;
  readonly workGroup: string;
  readonly database: string;
}

export interface AthenaTargetFlags {
  readonly workGroup?: string;
  readonly database?: string;
  /** The stack that owns the lake. @default FleetStreamStateful */
  readonly stack?: string;
}

/** Turns the SDK's failures before any query (no credentials, no stack) into one line saying what to do. */
export const explainAwsError = (error: unknown, stack: string, region: string): Error => {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return new Error(
      'no AWS credentials found: set AWS_PROFILE (or run aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      { cause: error },
    );
  if (/does not exist|not found/i.test(message) && message.includes(stack))
    return new Error(
      `stack ${stack} not found in ${region}: deploy it (npx cdk deploy --all), pass --region, or pass --workgroup and --database`,
      { cause: error },
    );
  return error instanceof Error ? error : new Error(message);
};

export const resolveAthenaTarget = async (
  flags: AthenaTargetFlags,
  region: string,
): Promise<AthenaTarget> => {
  const stack = flags.stack ?? STATEFUL_STACK;
  if (flags.workGroup !== undefined && flags.database !== undefined)
    return { region, workGroup: flags.workGroup, database: flags.database };
  let outputs: Record<string, string>;
  try {
    outputs = await stackOutputs(region, stack);
  } catch (error) {
    throw explainAwsError(error, stack, region);
  }
  return {
    region,
    workGroup: flags.workGroup ?? requireOutput(outputs, 'AthenaWorkGroup', stack),
    database: flags.database ?? requireOutput(outputs, 'GlueDatabase', stack),
  };
};
