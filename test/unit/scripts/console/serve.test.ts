import type { IncomingMessage, ServerResponse } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routes } from '#lambda/lookup-api/app.ts';
import { isApiPath } from '#scripts/console/api-paths.ts';
import { buildConsole, CONSOLE_PREFIX } from '#scripts/console/build.ts';
import { createConsoleHandler, isConsolePath } from '#scripts/console/serve.ts';

// The console shares the local API's origin: it must never answer a path the API owns, and the proxy of
// `npm run console` must never forward a path that is the console's.

/** A concrete, percent-encoded path for a route pattern, with generated parameter values. */
const routePath = fc
  .tuple(
    fc.constantFrom(...routes.map((route) => route.pattern)),
    fc.array(fc.string({ minLength: 1 }), { minLength: 3, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([pattern, values, trailingSlash]) => {
    let index = 0;
    const path = pattern.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[index++] ?? 'x'));
    return trailingSlash ? `${path}/` : path;
  });

const consolePath = fc.oneof(
  fc.constant('/'),
  fc.string().map((rest) => `${CONSOLE_PREFIX}${encodeURIComponent(rest)}`),
  fc.constantFrom('/console/app.js', '/console/app.css', '/console/config.json', '/console/progress.json'),
);

/** Just enough of a request/response for the handler's own decisions (no network in unit tests). */
const fakeExchange = (method: string, url: string) => {
  const sent: { status?: number; headers: Map<string, string>; body?: string | Buffer } = {
    headers: new Map(),
  };
  const response = {
    set statusCode(value: number) {
      sent.status = value;
    },
    setHeader(name: string, value: string) {
      sent.headers.set(name, value);
    },
    end(body: string | Buffer) {
      sent.body = body;
    },
  } as unknown as ServerResponse;
  return { request: { method, url } as IncomingMessage, response, sent };
};

const noBuild = () => Promise.reject(new Error('the build is not needed for this request'));

describe('console paths vs API routes', () => {
  it('the router has the routes the console is known to sit beside (so the properties below cover them)', () => {
    const patterns = routes.map((route) => route.pattern);
    for (const pattern of [
      '/health',
      '/devices',
      '/devices/{deviceId}',
      '/devices/{deviceId}/windows',
      '/fleet',
      '/alerts',
      '/rules',
      '/rules/{ruleId}',
    ]) {
      expect(patterns).toContain(pattern);
    }
  });

  it('no path of any API route is a console path, and the handler passes every one of them on', async () => {
    await fc.assert(
      fc.asyncProperty(routePath, fc.constantFrom('GET', 'PUT', 'DELETE', 'HEAD'), async (path, method) => {
        expect(isApiPath(path)).toBe(true);
        expect(isConsolePath(new URL(path, 'http://x').pathname)).toBe(false);
        const handler = createConsoleHandler({
          config: { target: 'local', apiLabel: 'test' },
          build: noBuild,
        });
        const { request, response, sent } = fakeExchange(method, `${path}?limit=5`);
        expect(await handler(request, response)).toBe(false);
        expect(sent.status).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('no console path is an API path, so the proxy never forwards one', () => {
    fc.assert(
      fc.property(consolePath, (path) => {
        expect(isConsolePath(path)).toBe(true);
        expect(isApiPath(path)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('isApiPath refuses what is not a route, including broken percent-encoding', () => {
    for (const path of [
      '/',
      '/etc/passwd',
      '/devicesx',
      '/devices/a/b/c',
      '/rules/a/b',
      '/console/app.js',
      '/devices/%E0%A4%A',
    ]) {
      expect(isApiPath(path), path).toBe(false);
    }
  });
});

describe('createConsoleHandler', () => {
  it('serves the page, its config and says lag is unavailable where the runtime cannot tell', async () => {
    const handler = createConsoleHandler({
      config: { target: 'aws', apiLabel: 'https://a.execute-api.eu-west-1.amazonaws.com/prod' },
    });
    const page = fakeExchange('GET', '/');
    expect(await handler(page.request, page.response)).toBe(true);
    expect(page.sent.status).toBe(200);
    expect(String(page.sent.body)).toContain('<script defer src="/console/app.js">');
    expect(page.sent.headers.get('content-security-policy')).toContain("default-src 'none'");

    const config = fakeExchange('GET', '/console/config.json');
    await handler(config.request, config.response);
    expect(JSON.parse(String(config.sent.body))).toEqual({
      target: 'aws',
      apiLabel: 'https://a.execute-api.eu-west-1.amazonaws.com/prod',
    });

    const progress = fakeExchange('GET', '/console/progress.json');
    await handler(progress.request, progress.response);
    expect(JSON.parse(String(progress.sent.body))).toMatchObject({ available: false });
  });

  it('reports processor lag from the runtime, and unavailable when the broker does not answer', async () => {
    let fail = false;
    const handler = createConsoleHandler({
      config: { target: 'local', apiLabel: 'http://127.0.0.1:3000' },
      build: noBuild,
      progress: async () => {
        if (fail) throw new Error('broker gone');
        return { recordsIn: 120, processed: 100 };
      },
    });
    const first = fakeExchange('GET', '/console/progress.json');
    await handler(first.request, first.response);
    expect(JSON.parse(String(first.sent.body))).toEqual({
      available: true,
      recordsIn: 120,
      processed: 100,
      lag: 20,
    });
    fail = true;
    const second = fakeExchange('GET', '/console/progress.json');
    await handler(second.request, second.response);
    expect(JSON.parse(String(second.sent.body))).toMatchObject({
      available: false,
      reason: 'the broker did not answer',
    });
  });

  it('answers 404 for an unknown console file and 405 for a write', async () => {
    const handler = createConsoleHandler({ config: { target: 'local', apiLabel: 'x' } });
    const missing = fakeExchange('GET', '/console/nope.js');
    expect(await handler(missing.request, missing.response)).toBe(true);
    expect(missing.sent.status).toBe(404);
    const write = fakeExchange('POST', '/');
    expect(await handler(write.request, write.response)).toBe(true);
    expect(write.sent.status).toBe(405);
  });
});

describe('buildConsole', () => {
  it('bundles one script and one stylesheet, self-contained and small', async () => {
    const built = await buildConsole();
    expect([...built.assets.keys()].sort()).toEqual(['/', '/console/app.css', '/console/app.js']);
    const js = built.assets.get('/console/app.js')?.body.toString('utf8') ?? '';
    // No CDN and nothing fetched at run time: the only URLs the script requests are its own origin's.
    expect(js).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(built.assets.get('/console/app.css')?.body.toString('utf8')).toContain('.uplot');
    // A budget, not a timing: the whole console (uPlot included) stays under 60 KB gzipped.
    expect(built.gzipBytes).toBeLessThan(60 * 1024);
  });
});
