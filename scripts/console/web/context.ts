import { ApiError, type ConsoleConfig, UnreachableError } from './api.ts';

/** What a page gets: where it runs, a way to poll while it is shown, and the shared error banner. */
export interface Context {
  readonly config: ConsoleConfig;
  /** Runs `task` now and then every `ms` until the page is left; a failure shows in the banner, success clears it. */
  poll(task: () => Promise<void>, ms: number): void;
  onLeave(cleanup: () => void): void;
  /** Shows what went wrong and what to do about it. */
  report(error: unknown): void;
  clear(): void;
}

/** Runs an admin action (acknowledge, mute, rule change): `done` in the page's status line, a failure in the banner. */
export const runAction = async (
  context: Context,
  status: HTMLElement,
  what: () => Promise<unknown>,
  done: string,
): Promise<void> => {
  status.textContent = '';
  try {
    await what();
    status.textContent = done;
  } catch (error) {
    context.report(error);
  }
};

/** A sentence that says what happened and what to do, for the banner. */
const explain = (error: unknown, config: ConsoleConfig): string => {
  if (error instanceof UnreachableError) {
    return config.target === 'local'
      ? `Cannot reach the API at ${config.apiLabel}. Start the local pipeline with "npm start"; this page retries by itself.`
      : `Cannot reach the deployed API ${config.apiLabel} through the console proxy (${error.message}). Is "npm run console" still running, and is the API deployed?`;
  }
  if (error instanceof ApiError) {
    if (error.status === 403 && config.target === 'aws') {
      return `The deployed API refused the request (403: ${error.reason}). Your AWS identity needs execute-api:Invoke on this API (rule changes need the rules-admin permission).`;
    }
    return `The API answered ${error.status}: ${error.reason}`;
  }
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
};

export const createContext = (config: ConsoleConfig, banner: HTMLElement): Context & { leave(): void } => {
  let cleanups: Array<() => void> = [];
  const clear = () => {
    banner.hidden = true;
    banner.textContent = '';
  };
  const report = (error: unknown) => {
    banner.textContent = explain(error, config);
    banner.hidden = false;
  };
  return {
    config,
    report,
    clear,
    onLeave: (cleanup) => cleanups.push(cleanup),
    poll(task, ms) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const run = async () => {
        try {
          await task();
          if (!stopped) clear();
        } catch (error) {
          if (!stopped) report(error);
        }
        if (!stopped) timer = setTimeout(run, ms);
      };
      void run();
      cleanups.push(() => {
        stopped = true;
        clearTimeout(timer);
      });
    },
    leave() {
      for (const cleanup of cleanups) cleanup();
      cleanups = [];
      clear();
    },
  };
};
