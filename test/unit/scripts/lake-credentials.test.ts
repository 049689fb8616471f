import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '#scripts/lake.ts';

/**
 * The real credential chain (no mocks) with nothing to find: no env keys, empty config files, instance metadata
 * disabled, so nothing leaves the machine. The CLI must say what to configure, not print the SDK's chain dump.
 */
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('npm run lake -- --athena without AWS credentials', () => {
  it('fails with one line saying how to provide credentials', async () => {
    const home = await mkdtemp(join(tmpdir(), 'fleetstream-nocreds-'));
    dirs.push(home);
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const err: string[] = [];
    try {
      const code = await main(['--athena', '--region', 'eu-west-1', 'SELECT 1'], {
        stdout: () => {},
        stderr: (t) => err.push(t),
        env: {},
      });
      expect(code).toBe(1);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    expect(err.join('\n')).toMatch(/^error: no AWS credentials found: set AWS_PROFILE/m);
  }, 60_000);
});
