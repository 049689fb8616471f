import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Kills a process left behind by a runtime that was itself killed (SIGKILL, crash), identified by its PID file and
 * checked against its command line so a recycled PID is never touched.
 */
export const killStale = async (pidFile: string, marker: string): Promise<void> => {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (pid > 0 && cmdline.includes(marker) && isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(100);
  }
  await rm(pidFile, { force: true });
};

/** Starts a JVM service with output to a log file and a PID file; `stop()` is SIGTERM, then SIGKILL after a grace. */
export const spawnService = async (
  name: string,
  args: readonly string[],
  files: { log: string; pid: string },
): Promise<ServiceProcess> => {
  const logFd = openSync(files.log, 'a');
  const child = spawn('java', args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`Could not start ${name}: java did not spawn`);
  await writeFile(files.pid, `${child.pid}\n`);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const graceful = await Promise.race([exited.then(() => true), sleep(15_000, false, { ref: false })]);
      if (!graceful) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await rm(files.pid, { force: true });
  };
  return { name, child, stop };
};

/** Rejects as soon as the process exits: a service that dies while starting should fail fast, with its log's tail. */
export const failOnExit = (service: ServiceProcess, log: string): Promise<never> =>
  new Promise((_, reject) => {
    service.child.once('exit', (code, signal) => {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      reject(
        new Error(
          `${service.name} exited while starting (code ${code}, signal ${signal}). Log ${log}:\n${tail}`,
        ),
      );
    });
  });
