import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '#scripts/shared/cli.ts';

/** Everything started so far, stopped in reverse order; something started after shutdown began is stopped at once. */
export class Running {
  private readonly stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  stopping = false;

  async add(name: string, stop: () => Promise<void>): Promise<void> {
    if (this.stopping) {
      // Ctrl-C came while this was starting: stop it now rather than leave it running.
      await stop().catch(() => {});
      throw new Error(`stopped while starting ${name}`);
    }
    this.stack.push({ name, stop });
  }

  async stopAll(log: (line: string) => void): Promise<void> {
    this.stopping = true;
    for (let item = this.stack.pop(); item !== undefined; item = this.stack.pop()) {
      const timeout = sleep(30_000, 'timeout' as const, { ref: false });
      const outcome = await Promise.race([item.stop().then(() => 'ok' as const), timeout]).catch(
        (error: unknown) => `failed: ${errorMessage(error)}`,
      );
      if (outcome !== 'ok') log(`stopping ${item.name}: ${outcome}`);
    }
  }
}

export interface LifecycleOutput {
  line(text: string): void;
  /** Ends the status line before the shutdown lines. */
  end(): void;
}

/**
 * Runs `start` and keeps the process up until SIGINT/SIGTERM, then stops everything in reverse order. A second
 * signal says it is still stopping; a third forces exit. A start that fails stops what it had started and throws.
 */
export const runUntilStopped = async (
  out: LifecycleOutput,
  start: (running: Running) => Promise<void>,
): Promise<void> => {
  const running = new Running();
  let signals = 0;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((done) => {
    resolveStopped = done;
  });
  const shutdown = async (signal: string) => {
    signals++;
    if (signals > 1) {
      out.line(signals > 2 ? 'forcing exit' : 'still stopping … (Ctrl-C again to force)');
      if (signals > 2) process.exit(130);
      return;
    }
    out.end();
    out.line(`${signal}: stopping …`);
    await running.stopAll((line) => out.line(line));
    out.line('stopped.');
    resolveStopped();
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await start(running);
  } catch (error) {
    if (!running.stopping) {
      out.end();
      await running.stopAll((line) => out.line(line));
      throw error;
    }
  }
  await stopped;
};
