import { type ParseArgsConfig, parseArgs } from 'node:util';
import { FleetStreamError } from '#core/errors.ts';

/**
 * Shared CLI plumbing for every script: typed options over node:util parseArgs, `--help`, a usage line and exit 2
 * on bad flags, a one-line error and exit 1 on runtime failure.
 */

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

/** Bad input from the command line: reported with the usage line and exit code 2. */
export class UsageError extends FleetStreamError {
  override readonly name = 'UsageError';
}

export interface CliSpec<O extends Options> {
  /** One usage line (or a few), e.g. `usage: npm run generate -- --devices N …`. */
  readonly usage: string;
  readonly options: O;
  /** Longer help printed under the usage line by `--help`. */
  readonly description?: string;
  /** @default false */
  readonly allowPositionals?: boolean;
}

export interface CliArgs<O extends Options> {
  readonly values: Parsed<O>['values'];
  readonly positionals: string[];
}

/** Parses argv or throws UsageError; `--help` is handled by runCli. */
export const parseCli = <O extends Options>(spec: CliSpec<O>, argv: string[]): CliArgs<O> => {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: spec.options,
      allowPositionals: true,
      strict: true,
    });
    if (!spec.allowPositionals && positionals.length > 0) {
      throw new UsageError(`unexpected argument: ${positionals[0]}`);
    }
    return { values, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes: all of them are the user's input.
    throw new UsageError((error as Error).message);
  }
};

export interface RunCliOptions {
  readonly argv?: string[];
  /** @default process.exit — injectable so tests can observe the code. */
  readonly exit?: (code: number) => never | undefined;
  readonly stderr?: (line: string) => void;
  readonly stdout?: (line: string) => void;
}

/**
 * Runs a script's main: parses flags, prints help, maps UsageError → usage + exit 2, any other error → one line +
 * exit 1. Exits explicitly at the end so lingering client timers (kafkajs) never keep a finished script alive.
 */
export const runCli = async <O extends Options>(
  spec: CliSpec<O>,
  main: (args: CliArgs<O>) => Promise<number | undefined> | number | undefined,
  options: RunCliOptions = {},
): Promise<void> => {
  const argv = options.argv ?? process.argv.slice(2);
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stdout = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout(spec.description ? `${spec.usage}\n\n${spec.description}` : spec.usage);
    exit(0);
    return;
  }
  let code: number;
  try {
    code = (await main(parseCli(spec, argv))) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`${error.message}\n${spec.usage}`);
      code = 2;
    } else {
      stderr(`error: ${errorMessage(error)}`);
      code = 1;
    }
  }
  exit(code);
};

/**
 * Runs a main like runCli but answers its exit code instead of exiting: for CLIs whose `main` tests (and other
 * scripts) call in-process.
 */
export const runCliForCode = async <O extends Options>(
  spec: CliSpec<O>,
  main: (args: CliArgs<O>) => Promise<number | undefined> | number | undefined,
  options: Omit<RunCliOptions, 'exit'> = {},
): Promise<number> => {
  let code = 0;
  await runCli(spec, main, {
    ...options,
    exit: (c) => {
      code = c;
      return undefined;
    },
  });
  return code;
};

/** One line for any thrown value, including the cause when the message alone would hide it. */
export const errorMessage = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
};

interface NumberFlag {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** Parses a numeric flag value or throws UsageError naming the flag. */
export const numberFlag = (
  name: string,
  raw: string,
  { min, max, integer = false }: NumberFlag = {},
): number => {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  const kind = integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${kind}, got "${raw}"`);
  }
  if (min !== undefined && value < min) throw new UsageError(`--${name} must be >= ${min}, got ${raw}`);
  if (max !== undefined && value > max) throw new UsageError(`--${name} must be <= ${max}, got ${raw}`);
  return value;
};

/** Like numberFlag, for an optional flag with a default. */
export const optionalNumberFlag = (
  name: string,
  raw: string | undefined,
  fallback: number,
  limits: NumberFlag = {},
): number => (raw === undefined ? fallback : numberFlag(name, raw, limits));

/** Parses a flag restricted to a fixed set of values. */
export const choiceFlag = <T extends string>(name: string, raw: string, choices: readonly T[]): T => {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
};
