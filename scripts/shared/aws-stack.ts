import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LoadRequest } from '#lambda/load-generator/request.ts';

/** Default stack names from bin/app.ts. */
export const STATEFUL_STACK = 'FleetStreamStateful';
export const PROCESSING_STACK = 'FleetStreamProcessing';

/** A deployed stack's outputs, by key. */
export const stackOutputs = async (region: string, stackName: string): Promise<Record<string, string>> => {
  const cfn = new CloudFormationClient({ region });
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks?.[0];
  if (stack === undefined) throw new Error(`stack ${stackName} not found`);
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
};

export const requireOutput = (outputs: Record<string, string>, key: string, stack: string): string => {
  const value = outputs[key];
  if (value === undefined || value === '')
    throw new Error(`stack ${stack} has no output ${key} — is it deployed from this version?`);
  return value;
};

/**
 * Runs the in-VPC load-generator Lambda (MSK Serverless is reachable only from inside the VPC) and returns its
 * summary; a function error becomes a thrown Error with the function's message.
 */
export const invokeLoadGenerator = async (
  region: string,
  functionName: string,
  request: LoadRequest,
): Promise<Record<string, unknown>> => {
  const invoked = await new LambdaClient({ region }).send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(request)),
    }),
  );
  const result = JSON.parse(new TextDecoder().decode(invoked.Payload ?? new Uint8Array())) as Record<
    string,
    unknown
  >;
  if (invoked.FunctionError !== undefined)
    throw new Error(`load generator failed: ${JSON.stringify(result)}`);
  return result;
};
