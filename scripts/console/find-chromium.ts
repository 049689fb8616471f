import { accessSync, constants } from 'node:fs';

/** Where Debian, Ubuntu and the usual installs put a Chromium or Chrome binary. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
];

const CHROMIUM_MISSING =
  'no Chromium found for the console browser test: install Debian\'s package ("apt-get install -y chromium" as root) or set CHROMIUM_PATH to a Chromium/Chrome binary (nothing is downloaded at npm install)';

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium the browser test drives: $CHROMIUM_PATH if set (and then it must be executable), else the first
 * installed candidate. Throws what to install when there is none.
 */
export const findChromium = (
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = CANDIDATES,
): string => {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    if (!executable(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} is not an executable file`);
    return chosen;
  }
  const found = candidates.find(executable);
  if (found === undefined) throw new Error(`${CHROMIUM_MISSING} (looked in ${candidates.join(', ')})`);
  return found;
};
