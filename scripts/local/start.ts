import { runCli } from '#scripts/shared/cli.ts';
import { configFrom, startSpec } from './config.ts';
import { runUntilStopped } from './lifecycle.ts';
import { runSteps, StartContext } from './start/context.ts';
import { START_STEPS } from './start/steps.ts';
import { createTerminal } from './terminal.ts';

/**
 * `npm start`: the whole pipeline on this machine, as the named steps of start/steps.ts; flags and env in
 * config.ts, start/stop and signals in lifecycle.ts, the status line in terminal.ts.
 */
await runCli(startSpec, async ({ values }) => {
  // The SDK's notice about its future Node requirement is noise in a terminal the runtime owns (engines: node >= 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = configFrom(values);
  const terminal = createTerminal();
  await runUntilStopped(terminal, (running) =>
    runSteps(START_STEPS, new StartContext(config, running, terminal)),
  );
  return 0;
});
