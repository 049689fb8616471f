import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertJavaAndMaven } from './java.ts';

const run = promisify(execFile);
const POM_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../maven');

export type Component = 'kafka' | 'dynamodb' | 'kafka-tools';

/**
 * Resolves a component's jars from Maven Central into `<cacheDir>/<component>/lib` once, keyed by the pom's hash so a
 * version bump refetches. Concurrent callers (tests and `npm start`) are safe: each resolves into its own temp folder
 * and the first rename wins.
 */
export const ensureJars = async (
  component: Component,
  cacheDir: string,
  log: (line: string) => void,
): Promise<string> => {
  const pom = join(POM_DIR, `${component}.pom.xml`);
  const pomHash = createHash('sha256')
    .update(await readFile(pom))
    .digest('hex')
    .slice(0, 16);
  const target = join(cacheDir, component, pomHash);
  const libDir = join(target, 'lib');
  if (existsSync(join(target, 'complete'))) return libDir;

  await assertJavaAndMaven();
  log(`Fetching ${component} from Maven Central into ${target} (first run only)…`);
  const staging = `${target}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    await run(
      'mvn',
      ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${join(staging, 'lib')}`],
      { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 },
    );
    await writeFile(join(staging, 'complete'), `${new Date().toISOString()}\n`);
    await mkdir(dirname(target), { recursive: true });
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(join(target, 'complete'))) throw error;
    });
  } catch (error) {
    const detail =
      (error as { stdout?: string }).stdout?.split('\n').find((l) => l.includes('ERROR')) ?? String(error);
    throw new Error(`Could not resolve ${component} from Maven Central: ${detail}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return libDir;
};
