#!/usr/bin/env -S npx tsx
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_KEY, parseConfig } from '#lib/config.ts';
import { addFleetStream } from '#lib/fleetstream.ts';

// Wiring only: context is read once here, validated into a typed config, and passed down as props.
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(app.node.tryGetContext(CONTEXT_KEY));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

addFleetStream(app, config, projectRoot);
// cdk-nag AwsSolutions runs as a policy-validation plugin: any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
