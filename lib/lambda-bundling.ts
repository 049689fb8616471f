/**
 * How every FleetStream Lambda is bundled — the one definition used by the CDK construct (NodejsFunction `bundling`),
 * the local runtime (`npm start`) and the bench, so what runs locally and what is measured is what deploys.
 * Pure data: no CDK and no esbuild import, so any runtime can read it.
 *
 * Self-contained: nothing is external, the AWS SDK included. The Lambda runtime's own SDK copy is neither promised
 * nor pinned by our lockfile, and the MSK IAM signer loads SDK packages (credential-providers, client-sts,
 * util-format-url, util-utf8-browser) that no Node.js runtime ships.
 */

/** The Node.js major the Lambda runtime runs (FleetFunction.RUNTIME); esbuild's target for every bundle. */
export const LAMBDA_NODE_MAJOR = 24;

/** The bundle file in each asset folder; the handler setting is `index.handler`. */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/** Set on every function so stack traces point into the TypeScript sources through the shipped source map. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** ESM output needs a `require` for the CommonJS dependencies it bundles (kafkajs, the SDK's CJS builds). */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The esbuild options, in esbuild's own names. */
export const lambdaBundling = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${LAMBDA_NODE_MAJOR}`,
  // ESM builds first: smaller and tree-shakable; CommonJS only where a package has nothing else.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  // The map carries positions only: sources would double the asset for no gain in a stack trace.
  sourcesContent: false,
  banner: REQUIRE_SHIM,
  external: [] as readonly string[],
} as const;

/** The esbuild build options for one handler (pass to esbuild's `build`). */
export const esbuildOptionsFor = (entry: string, outfile: string) => ({
  entryPoints: [entry],
  outfile,
  bundle: lambdaBundling.bundle,
  platform: lambdaBundling.platform,
  format: lambdaBundling.format,
  target: lambdaBundling.target,
  mainFields: [...lambdaBundling.mainFields],
  minify: lambdaBundling.minify,
  sourcemap: lambdaBundling.sourcemap,
  sourcesContent: lambdaBundling.sourcesContent,
  banner: { js: lambdaBundling.banner },
  external: [...lambdaBundling.external],
});
