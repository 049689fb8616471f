import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '#scripts/console/find-chromium.ts';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH when it is executable, else the first installed candidate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-chromium-'));
    const binary = join(dir, 'chromium');
    await writeFile(binary, '#!/bin/sh\n');
    await chmod(binary, 0o755);
    expect(findChromium({ CHROMIUM_PATH: binary }, [])).toBe(binary);
    expect(findChromium({}, [join(dir, 'missing'), binary])).toBe(binary);
  });

  it('says what to install when there is none, and refuses a CHROMIUM_PATH that is not executable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstream-chromium-'));
    const plain = join(dir, 'not-executable');
    await writeFile(plain, 'x');
    expect(() => findChromium({}, [join(dir, 'missing')])).toThrow(
      /no Chromium found for the console browser test: install Debian's package \("apt-get install -y chromium" as root\) or set CHROMIUM_PATH/,
    );
    expect(() => findChromium({ CHROMIUM_PATH: plain }, [])).toThrow(
      /CHROMIUM_PATH=.* is not an executable file/,
    );
  });
});
