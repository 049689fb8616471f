import type { App, StackProps } from 'aws-cdk-lib';
import type { FleetStreamConfig } from './config.ts';
import { ProcessingStack } from './processing-stack.ts';
import { StatefulStack } from './stateful-stack.ts';

export interface FleetStreamStacks {
  readonly stateful: StatefulStack;
  readonly processing: ProcessingStack;
}

/**
 * The two stacks of one FleetStream deployment. Environment-agnostic by default (no `env`), so `cdk synth` needs no
 * credentials and no lookups; `cdk deploy` takes account and region from the CLI's profile.
 */
export const addFleetStream = (
  app: App,
  config: FleetStreamConfig,
  projectRoot: string,
  stackProps: StackProps = {},
): FleetStreamStacks => {
  const stateful = new StatefulStack(app, 'FleetStreamStateful', {
    ...stackProps,
    description: 'FleetStream: network, MSK Serverless + topic, data lake, tables, alert topic',
    config,
    projectRoot,
  });
  const processing = new ProcessingStack(app, 'FleetStreamProcessing', {
    ...stackProps,
    description: 'FleetStream: state processor, notifier, lookup API, load generator, dashboard and alarms',
    config,
    stateful,
    projectRoot,
  });
  return { stateful, processing };
};
