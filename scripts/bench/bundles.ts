/**
 * Lambda bundle sizes and the state processor's module init time: esbuild bundles the handlers from the project's one
 * bundling definition (lib/lambda-bundling.ts, the same CDK deploys: self-contained, AWS SDK included), then a fresh
 * node process imports the bundle from a folder with no node_modules and reports how long the import took (the
 * cold-start init work our code adds, SDK loading included).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ENV } from '#core/contract/index.ts';
import { esbuildOptionsFor, LAMBDA_BUNDLE_FILE } from '#lib/lambda-bundling.ts';
import { localTableNames, tableEnv } from '#scripts/local/tables.ts';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Bundles one handler into `<outDir>/<outName>/index.mjs`. */
export const bundleHandler = async (
  entry: string,
  outDir: string,
  outName: string,
): Promise<{ path: string; bytes: number }> => {
  const outfile = join(outDir, outName, LAMBDA_BUNDLE_FILE);
  await mkdir(dirname(outfile), { recursive: true });
  await build({ ...esbuildOptionsFor(join(ROOT, entry), outfile), logLevel: 'silent' });
  return { path: outfile, bytes: (await stat(outfile)).size };
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** Median over `runs` fresh processes of the time to import the bundle (module scope included). */
export const measureInitMs = async (
  bundlePath: string,
  env: Record<string, string>,
  runs = 5,
): Promise<number> => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundlePath).href)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dirname(bundlePath),
      env: { ...process.env, AWS_REGION: 'us-east-1', ...env },
      timeout: 30_000,
    });
    times.push(Number(stdout.trim().split('\n').at(-1)));
  }
  if (times.some((t) => !Number.isFinite(t)))
    throw new Error(`init time not measurable: ${times.join(', ')}`);
  return median(times);
};

export interface BundleFigures {
  stateProcessorBytes: number;
  lookupApiBytes: number;
  stateProcessorInitMs: number;
}

export const measureBundles = async (): Promise<BundleFigures> => {
  // Outside the repository, as in Lambda: nothing the bundle leaves out could resolve from a node_modules above it.
  const outDir = await mkdtemp(join(tmpdir(), 'fleetstream-bench-bundles-'));
  try {
    const [state, lookup] = await Promise.all([
      bundleHandler('lambda/state-processor/handler.ts', outDir, 'state-processor'),
      bundleHandler('lambda/lookup-api/handler.ts', outDir, 'lookup-api'),
    ]);
    const initMs = await measureInitMs(state.path, {
      ...tableEnv(localTableNames('bench')),
      [ENV.deadLetterStream]: 'bench-dead-letter',
      POWERTOOLS_DEV: 'false',
    });
    return { stateProcessorBytes: state.bytes, lookupApiBytes: lookup.bytes, stateProcessorInitMs: initMs };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
};
