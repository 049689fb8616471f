import { describe, expect, it } from 'vitest';
import { choiceFlag, numberFlag, parseCli, runCli, runCliForCode, UsageError } from '#scripts/shared/cli.ts';

const spec = {
  usage: 'usage: thing --count N',
  description: 'Does a thing.',
  options: { count: { type: 'string' }, verbose: { type: 'boolean' } },
} as const;

/** Runs runCli with captured output and exit code. */
const run = async (argv: string[], main: Parameters<typeof runCli<typeof spec.options>>[1]) => {
  const out = { code: -1, stdout: [] as string[], stderr: [] as string[] };
  await runCli(spec, main, {
    argv,
    exit: (code) => {
      out.code = code;
      return undefined;
    },
    stdout: (l) => out.stdout.push(l),
    stderr: (l) => out.stderr.push(l),
  });
  return out;
};

describe('cli helper', () => {
  it('parses typed options', () => {
    const { values } = parseCli(spec, ['--count', '3', '--verbose']);
    expect(values).toEqual({ count: '3', verbose: true });
  });

  it('exits 2 with the usage line on an unknown flag, without running main', async () => {
    let ran = false;
    const out = await run(['--nope'], () => {
      ran = true;
      return 0;
    });
    expect(out.code).toBe(2);
    expect(ran).toBe(false);
    expect(out.stderr.join('\n')).toMatch(/--nope[\s\S]*usage: thing --count N/);
  });

  it('exits 2 on unexpected positionals and on a UsageError thrown by main', async () => {
    expect((await run(['extra'], () => 0)).code).toBe(2);
    const out = await run(['--count', 'x'], ({ values }) =>
      numberFlag('count', values.count ?? '', { integer: true }),
    );
    expect(out.code).toBe(2);
    expect(out.stderr[0]).toMatch(/--count must be an integer, got "x"/);
  });

  it('prints help and exits 0', async () => {
    const out = await run(['--help'], () => 1);
    expect(out.code).toBe(0);
    expect(out.stdout[0]).toBe('usage: thing --count N\n\nDoes a thing.');
  });

  it('turns a runtime failure into one line and exit 1, including the cause', async () => {
    const out = await run([], async () => {
      throw new Error('cannot reach Kafka', { cause: new Error('ECONNREFUSED') });
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toEqual(['error: cannot reach Kafka (ECONNREFUSED)']);
  });

  it('passes main’s exit code through', async () => {
    expect((await run(['--count', '1'], () => 3)).code).toBe(3);
    expect((await run([], () => undefined)).code).toBe(0);
  });

  it('runCliForCode answers the code runCli would exit with, without exiting', async () => {
    const stderr: string[] = [];
    const quiet = { stdout: () => undefined, stderr: (l: string) => stderr.push(l) };
    expect(await runCliForCode(spec, () => 3, { ...quiet, argv: ['--count', '1'] })).toBe(3);
    expect(await runCliForCode(spec, () => undefined, { ...quiet, argv: [] })).toBe(0);
    expect(await runCliForCode(spec, () => 0, { ...quiet, argv: ['--help'] })).toBe(0);
    expect(await runCliForCode(spec, () => 0, { ...quiet, argv: ['--nope'] })).toBe(2);
    expect(
      await runCliForCode(
        spec,
        () => {
          throw new Error('boom');
        },
        { ...quiet, argv: [] },
      ),
    ).toBe(1);
    expect(stderr).toContain('error: boom');
  });

  it('validates numbers and choices', () => {
    expect(numberFlag('rate', '2.5', { min: 0 })).toBe(2.5);
    expect(() => numberFlag('rate', '-1', { min: 0 })).toThrow(UsageError);
    expect(() => numberFlag('rate', '', {})).toThrow(/must be a number/);
    expect(() => numberFlag('n', '11', { max: 10 })).toThrow(/<= 10/);
    expect(choiceFlag('c', 'gzip', ['none', 'gzip'] as const)).toBe('gzip');
    expect(() => choiceFlag('c', 'zstd', ['none', 'gzip'] as const)).toThrow(/one of none, gzip/);
  });
});
