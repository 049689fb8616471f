/**
 * Builds the local runtime's Lambda bundles with the deploy's bundling definition (lib/lambda-bundling.ts), into a
 * folder outside the repository: like the Lambda runtime, a bundle there finds no node_modules above it, so a module
 * the bundle leaves out fails the local start instead of resolving from the project's own node_modules.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptionsFor, LAMBDA_BUNDLE_FILE } from '#lib/lambda-bundling.ts';
import { LOCAL_FUNCTIONS, type LocalFunctionName } from './functions.ts';

export interface LocalBundles {
  /** The bundle file (`index.mjs`) of each function. */
  readonly paths: ReadonlyMap<LocalFunctionName, string>;
  /** Removes the bundles' folder. */
  remove(): Promise<void>;
}

export const buildLocalBundles = async (projectRoot: string): Promise<LocalBundles> => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstream-bundles-'));
  try {
    const built = await Promise.all(
      [...LOCAL_FUNCTIONS].map(async ([name, fn]) => {
        const outfile = join(dir, name, LAMBDA_BUNDLE_FILE);
        await build({ ...esbuildOptionsFor(join(projectRoot, fn.entry), outfile), logLevel: 'error' });
        return [name, outfile] as const;
      }),
    );
    return { paths: new Map(built), remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
};
