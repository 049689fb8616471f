import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type BenchResults, resultsShapeErrors } from './results.ts';

/** Keys a run of one part of the bench writes alone, kept when the full bench rewrites the file. */
export const SEPARATE_KEYS = ['sustained', 'producerComparison', 'alertLatency', 'lake'] as const;
type SeparateKey = (typeof SEPARATE_KEYS)[number];

const readDoc = async (path: string): Promise<Record<string, unknown> | undefined> => {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** Sets one separately-run key of the results file, keeping every other key; the merged file must keep the shape. */
export const mergeIntoResults = async <K extends SeparateKey>(
  path: string,
  key: K,
  value: NonNullable<BenchResults[K]>,
): Promise<void> => {
  const doc = { ...(await readDoc(path)), [key]: value };
  const problems = resultsShapeErrors(doc).filter((p) => p.startsWith(key));
  if (problems.length > 0) throw new Error(`${key} does not match the contract: ${problems.join('; ')}`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
};

/** The separately-run keys of the file about to be replaced, to carry into the new full results. */
export const separateResults = async (path: string): Promise<Partial<Pick<BenchResults, SeparateKey>>> => {
  const doc = await readDoc(path).catch(() => undefined);
  const kept: Record<string, unknown> = {};
  for (const key of SEPARATE_KEYS) if (doc?.[key] !== undefined) kept[key] = doc[key];
  return kept as Partial<Pick<BenchResults, SeparateKey>>;
};
