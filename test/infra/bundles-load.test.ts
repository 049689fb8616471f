import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config.ts';
import { addFleetStream } from '#lib/fleetstream.ts';
import { LAMBDA_BUNDLE_FILE, LAMBDA_NODE_MAJOR, lambdaBundling } from '#lib/lambda-bundling.ts';
import { fleetFunctionsOf, projectRoot } from '#test/support/infra.ts';

// The bundles that deploy, loaded the way the Lambda runtime loads them: alone in a folder with no node_modules
// above it. Any module the bundle leaves out (e.g. an external @aws-sdk/* package) fails the import here.

const run = promisify(execFile);

interface SynthesizedBundle {
  readonly entry: string;
  readonly assetDir: string;
  readonly handler: string;
  readonly runtime: string;
  readonly environment: Record<string, string>;
}

let outdir = '';
let bundles: SynthesizedBundle[] = [];
const emptyDirs: string[] = [];

/** Stand-ins of the right shape for variables whose deployed value is only known to CloudFormation. */
const SHAPED_STAND_INS = new Map([['BOOTSTRAP_BROKERS', 'b-1.placeholder.invalid:9098']]);

/** Environment values that are CloudFormation tokens (Ref, GetAtt, imports) become a plain stand-in string. */
const plainEnvironment = (variables: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : (SHAPED_STAND_INS.get(name) ?? `placeholder-${name.toLowerCase()}`),
    ]),
  );

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'fleetstream-synth-'));
  // Bundling on (no aws:cdk:bundling-stacks override): NodejsFunction runs esbuild exactly as `cdk deploy` does.
  // Asset metadata (`aws:asset:path`) is what the CDK CLI turns on to find each function's staged folder.
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  addFleetStream(app, parseConfig({}), projectRoot);
  bundles = fleetFunctionsOf(app).map((fn) => {
    const assetPath = fn.metadata['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`no asset for ${fn.entry}`);
    return {
      entry: fn.entry,
      assetDir: join(outdir, assetPath),
      handler: fn.properties.Handler,
      runtime: fn.properties.Runtime,
      environment: plainEnvironment(fn.properties.Environment?.Variables),
    };
  });
}, 300_000);

afterAll(() => {
  for (const dir of [outdir, ...emptyDirs]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Imports the bundle in a fresh node process whose only files are the bundle and its source map. */
const loadAlone = async (bundle: SynthesizedBundle) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetstream-bundle-'));
  emptyDirs.push(dir);
  for (const file of readdirSync(bundle.assetDir)) copyFileSync(join(bundle.assetDir, file), join(dir, file));
  const [module, exportName] = bundle.handler.split('.') as [string, string];
  const url = pathToFileURL(join(dir, `${module}.mjs`)).href;
  const script = `const m = await import(${JSON.stringify(url)}); console.log(typeof m[${JSON.stringify(exportName)}]);`;
  // A Lambda-like environment and nothing else: no NODE_PATH, no credentials, the function's own variables.
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: 'bundle-load-test',
    ...bundle.environment,
  };
  return run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env, timeout: 60_000 });
};

describe('synthesized Lambda bundles', () => {
  it('cover every handler the project owns, one asset each', () => {
    const handlers = readdirSync(join(projectRoot, 'lambda'))
      .filter((name) => existsSync(join(projectRoot, 'lambda', name, 'handler.ts')))
      .map((name) => join(projectRoot, 'lambda', name, 'handler.ts'))
      .sort();
    expect([...new Set(bundles.map((b) => b.entry))].sort()).toEqual(handlers);
    for (const bundle of bundles) {
      expect(bundle.handler).toBe('index.handler');
      expect(readdirSync(bundle.assetDir)).toContain(LAMBDA_BUNDLE_FILE);
    }
  });

  it('each load alone from an empty folder (no node_modules) and export a handler function', async () => {
    expect(bundles.length).toBeGreaterThan(0);
    const outcomes: string[] = [];
    for (const bundle of bundles) {
      const outcome = await loadAlone(bundle).then(
        ({ stdout }) => stdout.trim(),
        (error: { stderr?: string; message: string }) => `failed: ${error.stderr || error.message}`,
      );
      outcomes.push(`${bundle.entry}: ${outcome}`);
    }
    // All at once, so one run names every bundle that cannot load.
    expect(outcomes).toEqual(bundles.map((bundle) => `${bundle.entry}: function`));
  });

  it('run on the Node.js major the bundles target', () => {
    expect(lambdaBundling.target).toBe(`node${LAMBDA_NODE_MAJOR}`);
    for (const bundle of bundles) expect(bundle.runtime, bundle.entry).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
  });

  it('turn on source maps for the stack traces of every function', () => {
    for (const bundle of bundles) {
      expect(bundle.environment.NODE_OPTIONS, bundle.entry).toBe('--enable-source-maps');
      expect(readdirSync(bundle.assetDir), bundle.entry).toContain(`${LAMBDA_BUNDLE_FILE}.map`);
    }
  });
});
