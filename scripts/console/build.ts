import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Where the console lives next to the API: never an API path (see test/unit/scripts/console/serve.test.ts). */
export const CONSOLE_PREFIX = '/console/';

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web');

export interface ConsoleAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

export interface ConsoleBuild {
  /** Keyed by request path: `/` and `/console/…`. */
  readonly assets: ReadonlyMap<string, ConsoleAsset>;
  /** JS + CSS after gzip -9: what a browser downloads. */
  readonly gzipBytes: number;
  readonly rawBytes: number;
}

/**
 * Bundles the page sources with the project's esbuild, in memory (nothing written to disk, nothing fetched at run
 * time): one minified script and one stylesheet, plus the HTML shell that loads them.
 */
export const buildConsole = async (): Promise<ConsoleBuild> => {
  const result = await build({
    entryPoints: [
      { in: join(WEB_DIR, 'main.ts'), out: 'app' },
      { in: join(WEB_DIR, 'styles.css'), out: 'app' },
    ],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    outdir: '/console-out',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    tsconfig: join(WEB_DIR, 'tsconfig.json'),
  });
  const byExtension = new Map(
    result.outputFiles.map((file) => [
      file.path.slice(file.path.lastIndexOf('.')),
      Buffer.from(file.contents),
    ]),
  );
  const js = byExtension.get('.js');
  const css = byExtension.get('.css');
  if (js === undefined || css === undefined) throw new Error('console build produced no app.js/app.css');
  const html = Buffer.from(await readFile(join(WEB_DIR, 'index.html'), 'utf8'));
  const assets = new Map<string, ConsoleAsset>([
    ['/', { contentType: 'text/html; charset=utf-8', body: html }],
    [`${CONSOLE_PREFIX}app.js`, { contentType: 'text/javascript; charset=utf-8', body: js }],
    [`${CONSOLE_PREFIX}app.css`, { contentType: 'text/css; charset=utf-8', body: css }],
  ]);
  return {
    assets,
    gzipBytes: gzipSync(js, { level: 9 }).length + gzipSync(css, { level: 9 }).length,
    rawBytes: js.length + css.length,
  };
};
