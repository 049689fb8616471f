import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  functionEnvironment,
  functionSettings,
  LOCAL_FUNCTIONS,
  type LocalResources,
} from '#scripts/local/functions.ts';
import { localTableNames } from '#scripts/local/tables.ts';
import { fleetFunctionsOf, projectRoot, synthFleetStream } from '#test/support/infra.ts';

// `npm start` runs each function with the environment its CDK construct sets: same variable names, same memory and
// timeout. A variable added to a construct and not to the local runtime (or the reverse) fails here.

const resources: LocalResources = {
  tables: localTableNames(),
  deadLetterStream: 'dead-letters',
  alertTopicArn: 'arn:aws:sns:us-east-1:000000000000:alerts',
  windowRetentionDays: 7,
};

describe('local functions', () => {
  const deployed = fleetFunctionsOf(synthFleetStream().app);

  it.each([...LOCAL_FUNCTIONS])(
    '%s runs with the variable names, memory and timeout it deploys with',
    (name, fn) => {
      const synthesized = deployed.find((d) => d.entry === join(projectRoot, fn.entry));
      if (synthesized === undefined) throw new Error(`${fn.entry} is not deployed`);
      const deployedNames = Object.keys(synthesized.properties.Environment?.Variables ?? {}).sort();
      expect(Object.keys(functionSettings(name, resources)).sort()).toEqual(deployedNames);
      expect(fn.memoryMb).toBe(synthesized.properties.MemorySize);
      expect(fn.timeoutMs).toBe(synthesized.properties.Timeout * 1000);
    },
  );

  it('point every AWS client at a local endpoint through the SDK standard variables, with dummy credentials', () => {
    const environment = functionEnvironment(
      'state-processor',
      functionSettings('state-processor', resources),
      {
        dynamodb: 'http://127.0.0.1:8000',
        firehose: 'http://127.0.0.1:1',
        sns: 'http://127.0.0.1:2',
      },
    );
    expect(environment).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL_FIREHOSE: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:2',
      AWS_ACCESS_KEY_ID: 'local',
      DEAD_LETTER_STREAM: 'dead-letters',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });
});
