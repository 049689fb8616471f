import { describe, expect, it } from 'vitest';
import { consoleCli, consoleTarget } from '#scripts/console/cli.ts';

const run = async (
  argv: string[],
  credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
) => {
  const lines: string[] = [];
  let code: number | undefined;
  await consoleCli({
    argv,
    credentials,
    stopped: Promise.resolve(),
    stdout: (line) => lines.push(line),
    stderr: (line) => lines.push(line),
    exit: (value) => {
      code = value;
      return undefined;
    },
  });
  return { code, output: lines.join('\n') };
};

const USAGE =
  /usage: npm run console -- --url https:\/\/<api-id>\.execute-api\.<region>\.amazonaws\.com\/<stage>/;

describe('npm run console flags', () => {
  it('takes the signing region from the URL unless --region says otherwise', () => {
    const target = consoleTarget({ url: 'https://abc123.execute-api.ap-south-1.amazonaws.com/prod' });
    expect(target.region).toBe('ap-south-1');
    expect(target.port).toBe(3030);
    expect(target.upstream.href).toBe('https://abc123.execute-api.ap-south-1.amazonaws.com/prod');
    expect(
      consoleTarget({
        url: 'https://abc123.execute-api.ap-south-1.amazonaws.com/v1/',
        region: 'us-east-1',
        port: '4000',
      }),
    ).toMatchObject({ region: 'us-east-1', port: 4000 });
  });

  it.each([
    [[], /--url is required/],
    [['--url', 'not a url'], /--url is not a URL/],
    [['--url', 'https://example.com/prod'], /must be an API Gateway URL/],
    [['--url', 'http://abc123.execute-api.eu-west-1.amazonaws.com/prod'], /must be an API Gateway URL/],
    [['--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/'], /needs the stage/],
    [['--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod?x=1'], /no query/],
    [
      ['--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod', '--port', 'x'],
      /--port must be an integer/,
    ],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j → usage and exit 2', async (argv, message) => {
    const { code, output } = await run(argv);
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).toMatch(USAGE);
  });

  it('says what to do when the default chain finds no credentials, and exits 1', async () => {
    const { code, output } = await run(
      ['--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod'],
      async () => {
        throw new Error('Could not load credentials from any providers');
      },
    );
    expect(code).toBe(1);
    expect(output).toMatch(
      /no AWS credentials found by the default chain \(Could not load credentials from any providers\); set AWS_PROFILE/,
    );
  });
});
