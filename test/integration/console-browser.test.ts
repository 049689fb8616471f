import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '#scripts/console/find-chromium.ts';
import { type LocalRuntime, startLocalRuntime } from '#test/support/local-runtime.ts';

// The "done when": headless Chromium (Debian's package, found by find-chromium) drives the console served
// by the real local pipeline (`npm start -- --no-generator`: Kafka, DynamoDB Local, processor, API).
// FLEETSTREAM_SCREENSHOTS=1 also writes the README's screenshots to docs/images/ (off by default: a test run
// leaves the tree clean).

const SCREENSHOTS = process.env.FLEETSTREAM_SCREENSHOTS === '1';
const TOPIC = 'modem-telemetry';
const tag = `web${Date.now() % 100_000}`;
const downDevice = `${tag}-down-1`;
/** Reports once, early, and then never again: a silence rule on its model (only) fires for it during the run. */
const quietDevice = `${tag}-quiet-1`;
const QUIET_MODEL = 'QUIET-TEST';
const quietRule = `${tag}-quiet`;
const models = ['EVG2000', 'DG3450', 'TG1682'];

let runtime: LocalRuntime;
let browser: Browser;
let producer: Producer;
let produced = 0;

// biome-ignore lint/suspicious/noExplicitAny: API replies are compared field by field with what the page shows
const api = async (path: string): Promise<any> => {
  const response = await fetch(`${runtime.apiUrl}${path}`);
  expect(response.status, path).toBe(200);
  return response.json();
};

const record = (
  deviceid: string,
  model: string,
  minutesAgo: number,
  status: string,
  cpu: number,
  memory: number,
) =>
  JSON.stringify({
    deviceid,
    model,
    interface: 'eth4.1',
    interfacestatus: status,
    cpuusage: cpu,
    memoryusage: memory,
    event_time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  });

const produce = async (values: Array<[string, string]>) => {
  await producer.send({ topic: TOPIC, messages: values.map(([key, value]) => ({ key, value })) });
  produced += values.length;
};

/** Until the pipeline has processed everything produced (records and the devices they created). */
const waitForFleet = async (records: number, devices: number) =>
  expect
    .poll(
      async () => {
        const fleet = await api('/fleet');
        return { records: fleet.records, devices: fleet.devices };
      },
      { timeout: 60_000, interval: 500 },
    )
    .toEqual({ records, devices });

/** Polls an in-page expression (a string: the page's CSP rightly forbids the eval that waitForFunction needs). */
const pageValue = (page: Page, expression: string, timeout = 15_000) =>
  expect.poll(() => page.evaluate(expression), { timeout, interval: 250 });

const openPage = async (width = 1280, height = 800): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
};

/** Every form control has a label (a <label for> or an aria-label). */
// In-page probes are strings: this file is type-checked for Node, the page runs in the browser.
const unlabelledControls = (page: Page) =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll('input, select, textarea')]
      .filter((control) => control.labels.length === 0 && !control.getAttribute('aria-label'))
      .map((control) => control.outerHTML)`,
  );

/** Nothing wider than the window: no sideways scrolling of the page (wide tables scroll inside their own box). */
const horizontalOverflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

beforeAll(async () => {
  const executablePath = findChromium();
  // The sweep every 5 s instead of every minute: the quiet device's silence (60 s, the shortest) shows within the run.
  runtime = await startLocalRuntime({ RULES_CACHE_SECONDS: '1', FLEETSTREAM_SWEEP_SECONDS: '5' });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const kafka = new Kafka({
    brokers: [runtime.brokers],
    logLevel: logLevel.NOTHING,
    clientId: 'console-browser-test',
  });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const put = await fetch(`${runtime.apiUrl}/rules/${quietRule}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ruleId: quietRule,
      when: { silentForSeconds: 60 },
      models: [QUIET_MODEL],
      severity: 'critical',
      enabled: true,
    }),
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await producer?.disconnect();
  await browser?.close();
  await runtime?.stop();
});

describe('fleet console in Chromium against the local pipeline', () => {
  it('says what to do when there are no devices yet, and when the API cannot be reached', async () => {
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/`);
    await page.waitForSelector('main[data-rendered="fleet"]');
    expect(await page.textContent('main')).toContain('No devices yet');
    expect(await page.textContent('main')).toContain('npm run generate -- --local');

    // The API goes away (the browser cannot reach it): the banner says so and what to run.
    await page.route('**/fleet', (route) => route.abort('connectionrefused'));
    await page.waitForSelector('#banner:not([hidden])', { timeout: 15_000 });
    expect(await page.textContent('#banner')).toMatch(
      /Cannot reach the API at http:\/\/127\.0\.0\.1:\d+\. Start the local pipeline with "npm start"/,
    );
    // …and clears once it answers again.
    await page.unroute('**/fleet');
    await page.waitForSelector('#banner[hidden]', { state: 'attached', timeout: 15_000 });
    await page.close();
  });

  it('shows the counts /fleet answers; a down device opens its page with charts drawn from /windows', async () => {
    const values: Array<[string, string]> = [];
    for (let device = 0; device < 6; device++) {
      const deviceId = `${tag}-${device}`;
      const model = models[device % models.length] as string;
      for (let minute = 9; minute >= 0; minute--) {
        values.push([
          deviceId,
          record(
            deviceId,
            model,
            minute + 0.5,
            device === 5 && minute === 0 ? 'down' : 'connected',
            20 + device * 5 + minute,
            300 + 10 * minute,
          ),
        ]);
      }
    }
    for (let minute = 14; minute >= 0; minute--) {
      values.push([
        downDevice,
        record(
          downDevice,
          'EVG2000',
          minute + 0.25,
          minute < 3 ? 'down' : 'connected',
          30 + ((minute * 7) % 50),
          800 + 20 * minute,
        ),
      ]);
    }
    await produce(values);
    await waitForFleet(produced, 7);

    const page = await openPage();
    const started = Date.now();
    await page.goto(`${runtime.apiUrl}/`);
    await page.waitForSelector('main[data-rendered="fleet"]');
    const firstRenderMs = await page.evaluate<number>(
      "performance.getEntriesByName('console:first-render')[0].startTime",
    );
    const timings = await page.evaluate<Array<[string, number, number]>>(
      "performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, Math.round(e.startTime), Math.round(e.responseEnd)])",
    );
    console.log(`console: resources (path, start ms, end ms): ${JSON.stringify(timings)}`);
    console.log(
      `console: first fleet render ${Math.round(firstRenderMs)} ms after navigation start (${Date.now() - started} ms wall, incl. browser)`,
    );

    const fleet = await api('/fleet');
    const shown = async (key: string) => (await page.textContent(`[data-stat="${key}"]`))?.replace(/,/g, '');
    expect(await shown('devices')).toBe(String(fleet.devices));
    expect(await shown('records')).toBe(String(fleet.records));
    // The status and model tables show /fleet's byStatus and byModel.
    const statusRows = await page.$$eval('table:has(caption:text-is("Devices by status")) tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.replace(/,/g, ''))),
    );
    expect(Object.fromEntries(statusRows.map(([name, count]) => [name, Number(count)]))).toEqual(
      fleet.byStatus,
    );
    const modelRows = await page.$$eval(
      'table:has(caption:text-is("Devices and records by model")) tbody tr',
      (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.replace(/,/g, ''))),
    );
    expect(
      Object.fromEntries(
        modelRows.map(([name, devices, records, down]) => [
          name,
          { devices: Number(devices), records: Number(records), down: Number(down) },
        ]),
      ),
    ).toEqual(fleet.byModel);
    await pageValue(page, `document.querySelector('[data-stat="lag"]').textContent`).toMatch(/^\d+ records$/);
    expect(await unlabelledControls(page)).toEqual([]);
    if (SCREENSHOTS) {
      await pageValue(page, `document.querySelector('[data-stat="rate"]').textContent`).toMatch(/^[\d.,]+$/);
      await page.screenshot({ path: join('docs', 'images', 'console-fleet.png') });
    }

    // Click the down device: its page, its state, and charts drawn from what /windows answered.
    const windowsReply = page.waitForResponse((response) =>
      response.url().includes(`/devices/${downDevice}/windows`),
    );
    await page.click(`a[data-device="${downDevice}"]`);
    const windows = await (await windowsReply).json();
    await page.waitForSelector('main[data-rendered="device"]');
    expect(page.url()).toBe(`${runtime.apiUrl}/#/device/${downDevice}`);
    expect(await page.textContent('[data-stat="status"]')).toBe('down');
    expect(windows.windows.length).toBeGreaterThanOrEqual(14);
    for (const chart of ['cpu', 'memory']) {
      expect(await page.getAttribute(`figure[data-chart="${chart}"]`, 'data-points')).toBe(
        String(windows.windows.length),
      );
      // The canvas has lines on it (uPlot draws the series onto it).
      const inked = await page.evaluate<number>(`(() => {
        const canvas = document.querySelector('figure[data-chart="${chart}"] canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
        return count;
      })()`);
      expect(inked, `${chart} chart pixels`).toBeGreaterThan(200);
    }
    expect(windows.windows.map((w: { cpu: { max: number } }) => w.cpu.max)).toContain(30 + ((14 * 7) % 50));
    expect(await unlabelledControls(page)).toEqual([]);
    await page.waitForTimeout(300); // charts take their cell's width on the next frame
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    if (SCREENSHOTS)
      await page.screenshot({ path: join('docs', 'images', 'console-device.png'), fullPage: true });

    // A narrow window: nothing runs off the side.
    await page.setViewportSize({ width: 380, height: 800 });
    await page.waitForTimeout(300);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.goto(`${runtime.apiUrl}/#/fleet`);
    await page.waitForSelector('main[data-rendered="fleet"]');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('draws a device with one minute of data across the selected range, not across years', async () => {
    // The quiet device reports once, now (after the "no devices yet" page), and never again: the last test sees it silent.
    await produce([[quietDevice, record(quietDevice, QUIET_MODEL, 0, 'connected', 12, 300)]]);
    // The bug: uPlot padded a single point's time scale by a tenth of its magnitude (epoch seconds: years), so a
    // device seen right after `npm start` had an axis from 2027 to 2029. The axis must be the range the user chose.
    const fresh = `${tag}-one-minute`;
    // Both records at :20 and :40 of the previous whole minute: one point per chart whenever the test runs (records
    // 12 s and 6 s ago straddled a minute boundary in about one run in ten).
    const intoMinute = (Date.now() % 60_000) / 60_000;
    await produce([
      [fresh, record(fresh, 'DG3450', intoMinute + 2 / 3, 'connected', 40, 500)],
      [fresh, record(fresh, 'DG3450', intoMinute + 1 / 3, 'connected', 42, 510)],
    ]);
    await expect
      .poll(async () => (await fetch(`${runtime.apiUrl}/devices/${fresh}`)).status, { timeout: 60_000 })
      .toBe(200);
    const page = await openPage();
    for (const [query, minutes] of [
      ['', 60],
      ['?minutes=360', 360],
      ['?minutes=1440', 1440],
    ] as const) {
      await page.goto(`${runtime.apiUrl}/#/device/${fresh}${query}`);
      await page.waitForSelector('main[data-rendered="device"] figure[data-chart="cpu"][data-x-max]');
      for (const chart of ['cpu', 'memory']) {
        expect(await page.getAttribute(`figure[data-chart="${chart}"]`, 'data-points')).toBe('1');
        const figure = `figure[data-chart="${chart}"]`;
        const axis = {
          min: Number(await page.getAttribute(figure, 'data-x-min')),
          max: Number(await page.getAttribute(figure, 'data-x-max')),
        };
        // The span is exactly the range (to the second), and it ends now (within the page's 5 s poll and slack).
        expect(Math.round((axis.max - axis.min) / 1000), `${chart} span, ${minutes} min`).toBe(minutes * 60);
        expect(Math.abs(Date.now() - axis.max), `${chart} axis end`).toBeLessThan(30_000);
      }
    }
    await page.close();
  });

  it('filters devices by status and pages with the API cursor', async () => {
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/#/devices`);
    await page.waitForSelector('main[data-rendered="devices"]');
    await page.waitForSelector('#filter-status option[value="down"]', { state: 'attached' });
    await page.selectOption('#filter-status', 'down');
    await page.click('button:text-is("Apply filters")');
    await pageValue(page, 'location.hash').toBe('#/devices?status=down');
    await page.waitForSelector(`main[data-rendered="devices"] a[data-device="${downDevice}"]`);
    const listed = () =>
      page.$$eval('main a[data-device]', (links) => links.map((link) => link.textContent ?? ''));
    const down = await api('/devices?status=down&limit=100');
    expect((await listed()).sort()).toEqual(down.items.map((d: { deviceId: string }) => d.deviceId).sort());
    expect(await unlabelledControls(page)).toEqual([]);

    // Five per page over all devices: page 1, Next (the API's cursor), Previous; together exactly the fleet.
    await page.goto(`${runtime.apiUrl}/#/devices?limit=5`);
    await page.waitForSelector('main[data-rendered="devices"] caption:text("(page 1)")');
    const first = await listed();
    expect(first).toHaveLength(5);
    await page.click('button:text-is("Next page")');
    await page.waitForSelector('main[data-rendered="devices"] caption:text("(page 2)")');
    const second = await listed();
    const all = await api('/devices?limit=100');
    expect([...first, ...second].sort()).toEqual(
      all.items.map((d: { deviceId: string }) => d.deviceId).sort(),
    );
    expect(await page.isDisabled('button:text-is("Next page")')).toBe(true);
    await page.click('button:text-is("Previous page")');
    await page.waitForSelector('main[data-rendered="devices"] caption:text("(page 1)")');
    expect(await listed()).toEqual(first);

    // A refresh that brings nothing new leaves the table alone: keyboard focus on a row's link survives the poll.
    const focused = first[0] as string;
    await page.focus(`main a[data-device="${focused}"]`);
    await page.waitForResponse((response) => response.url().includes('/devices?'), { timeout: 15_000 });
    await page.waitForTimeout(200); // let the page handle the reply
    expect(await page.evaluate<string | undefined>('document.activeElement?.dataset.device')).toBe(focused);

    // Search by device id opens the device.
    await page.getByLabel('Device id').fill(downDevice);
    await page.getByLabel('Device id').press('Enter');
    await page.waitForSelector('main[data-rendered="device"]');
    expect(await page.textContent('h1')).toBe(`Device ${downDevice}`);
    await page.close();
  });

  it('creates a rule from the form (it is in GET /rules) and shows the API reason at the field for an invalid one', async () => {
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/#/rules`);
    await page.waitForSelector('main[data-rendered="rules"]');
    expect(await unlabelledControls(page)).toEqual([]);

    // Keyboard only: type into the labelled fields, submit with Enter.
    await page.getByLabel('Rule id').fill(`${tag}-cpu-hot`);
    await page.getByLabel('Description').fill('CPU above 95 %');
    await page.getByLabel('When field').selectOption('cpuusage');
    await page.getByLabel('Operator').selectOption('>');
    await page.getByLabel('Value', { exact: true }).fill('95');
    await page.getByLabel('Only models').fill('EVG2000, DG3450');
    await page.getByLabel('Severity').selectOption('critical');
    await page.getByLabel('Value', { exact: true }).press('Enter');
    await page.waitForSelector(`[data-rule="${tag}-cpu-hot"]`);
    const rules = await api('/rules');
    expect(rules.items.find((rule: { ruleId: string }) => rule.ruleId === `${tag}-cpu-hot`)).toMatchObject({
      ruleId: `${tag}-cpu-hot`,
      description: 'CPU above 95 %',
      when: { field: 'cpuusage', op: '>', value: 95 },
      models: ['EVG2000', 'DG3450'],
      severity: 'critical',
      enabled: true,
    });

    // Invalid: a word where cpuusage needs a number. The API's own reason appears under "Value".
    const invalid = {
      ruleId: `${tag}-bad`,
      when: { field: 'cpuusage', op: '>', value: 'high' },
      severity: 'warning',
      enabled: true,
    };
    const apiReply = await fetch(`${runtime.apiUrl}/rules/${invalid.ruleId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(invalid),
    });
    expect(apiReply.status).toBe(400);
    const reason = ((await apiReply.json()) as { error: string }).error;
    await page.getByLabel('Rule id').fill(invalid.ruleId);
    await page.getByLabel('When field').selectOption('cpuusage');
    await page.getByLabel('Value', { exact: true }).fill('high');
    await page.click('button:text-is("Save rule")');
    await page.waitForSelector('#rule-when-value-error:not(:empty)');
    expect(await page.textContent('#rule-when-value-error')).toBe(reason);
    expect(await page.getAttribute('#rule-when-value', 'aria-invalid')).toBe('true');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('rule-when-value');
    expect((await api('/rules')).items.map((rule: { ruleId: string }) => rule.ruleId)).not.toContain(
      invalid.ruleId,
    );

    // Disable, then delete, from the list.
    await page.click(`button[aria-label="Disable rule ${tag}-cpu-hot"]`);
    await expect
      .poll(
        async () =>
          (await api('/rules')).items.find((r: { ruleId: string }) => r.ruleId === `${tag}-cpu-hot`)?.enabled,
        { timeout: 10_000 },
      )
      .toBe(false);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`button[aria-label="Delete rule ${tag}-cpu-hot"]`);
    await expect
      .poll(
        async () =>
          (await api('/rules')).items.some((r: { ruleId: string }) => r.ruleId === `${tag}-cpu-hot`),
        { timeout: 10_000 },
      )
      .toBe(false);
    await page.close();
  });

  it('creates a silence rule and a threshold rule with a duration from the form, and states both conditions', async () => {
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/#/rules`);
    await page.waitForSelector('main[data-rendered="rules"]');
    // A new rule is a threshold rule: its duration shows, the silence field does not.
    expect(await page.isVisible('#rule-forSeconds')).toBe(true);
    expect(await page.isVisible('#rule-when-silentForSeconds')).toBe(false);

    await page.getByLabel('Rule id').fill(`${tag}-cpu-held`);
    await page.getByLabel('When field').selectOption('cpuusage');
    await page.getByLabel('Operator').selectOption('>=');
    await page.getByLabel('Value', { exact: true }).fill('90');
    await page.getByLabel('For seconds', { exact: true }).fill('300');
    await page.getByLabel('For seconds', { exact: true }).press('Enter');
    await page.waitForSelector(`[data-rule="${tag}-cpu-held"]`);

    await page.getByLabel('Rule id').fill(`${tag}-silent`);
    await page.getByLabel('Kind').selectOption('silence');
    expect(await page.isVisible('#rule-when-field')).toBe(false);
    expect(await page.isVisible('#rule-forSeconds')).toBe(false);
    await page.getByLabel('Silent for seconds').fill('90');
    await page.getByLabel('Severity').selectOption('critical');
    await page.getByLabel('Silent for seconds').press('Enter');
    await page.waitForSelector(`[data-rule="${tag}-silent"]`);

    const stored = (await api('/rules')).items;
    expect(stored.find((rule: { ruleId: string }) => rule.ruleId === `${tag}-cpu-held`)).toMatchObject({
      when: { field: 'cpuusage', op: '>=', value: 90 },
      forSeconds: 300,
    });
    const silent = stored.find((rule: { ruleId: string }) => rule.ruleId === `${tag}-silent`);
    expect(silent).toMatchObject({ when: { silentForSeconds: 90 }, severity: 'critical' });
    expect(silent).not.toHaveProperty('forSeconds');
    const condition = (ruleId: string) => page.textContent(`tr:has([data-rule="${ruleId}"]) td:nth-child(2)`);
    expect(await condition(`${tag}-cpu-held`)).toBe('cpuusage >= 90 for 300 s');
    expect(await condition(`${tag}-silent`)).toBe('silent for 90 s');

    // Out of range: the API's reason shows under the silence field.
    await page.getByLabel('Rule id').fill(`${tag}-too-quick`);
    await page.getByLabel('Kind').selectOption('silence');
    await page.getByLabel('Silent for seconds').fill('30');
    await page.click('button:text-is("Save rule")');
    await page.waitForSelector('#rule-when-silentForSeconds-error:not(:empty)');
    expect(await page.textContent('#rule-when-silentForSeconds-error')).toMatch(/silentForSeconds must be/);

    // Editing the silence rule opens the form on its kind.
    await page.click(`button[aria-label="Edit rule ${tag}-silent"]`);
    expect(await page.inputValue('#rule-kind')).toBe('silence');
    expect(await page.inputValue('#rule-when-silentForSeconds')).toBe('90');
    expect(await unlabelledControls(page)).toEqual([]);
    for (const ruleId of [`${tag}-cpu-held`, `${tag}-silent`]) {
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click(`button[aria-label="Delete rule ${ruleId}"]`);
      await page.waitForSelector(`[data-rule="${ruleId}"]`, { state: 'detached', timeout: 15_000 });
    }
    await page.close();
  });

  it('shows a record produced while the page is open without a reload', async () => {
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/#/fleet`);
    await page.waitForSelector('main[data-rendered="fleet"]');
    const before = Number((await page.textContent('[data-stat="devices"]'))?.replace(/,/g, ''));
    await page.evaluate('window.sameDocument = true');
    const liveDevice = `${tag}-live`;
    await produce([[liveDevice, record(liveDevice, 'TG1682', 0, 'down', 12, 345)]]);
    await pageValue(page, `document.querySelector('[data-stat="devices"]').textContent`, 30_000).toBe(
      String(before + 1),
    );
    await page.waitForSelector(`a[data-device="${liveDevice}"]`, { timeout: 15_000 });
    expect(await page.evaluate<boolean>('window.sameDocument === true')).toBe(true);
    await page.close();
  });

  it('lists alerts firing first, filters them by device, shows a new one live, acknowledges and mutes it', async () => {
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/#/alerts`);
    await page.waitForSelector('main[data-rendered="alerts"] table');
    const rows = () =>
      page.$$eval('main tbody tr', (trs) =>
        trs.map((tr) => [
          tr.querySelector('td')?.textContent ?? '',
          tr.querySelector('a')?.textContent ?? '',
        ]),
      );
    const all = await api('/alerts?limit=100');
    // Firing first (what needs someone now), then newest first.
    const urgent = (a: { at: string; state: string }, b: { at: string; state: string }) =>
      a.state !== b.state ? (a.state === 'firing' ? -1 : 1) : a.at < b.at ? 1 : -1;
    const ordered = [...all.items].sort(urgent);
    expect((await rows()).map(([, device]) => device)).toEqual(
      ordered.map((a: { deviceId: string }) => a.deviceId),
    );
    expect(await page.$$eval('main tbody [data-state]', (cells) => cells.map((c) => c.textContent))).toEqual(
      ordered.map((a: { state: string }) => a.state),
    );
    expect(all.items.length).toBeGreaterThanOrEqual(2);

    await page.getByLabel('Device id').fill(downDevice);
    await page.click('button:text-is("Apply filters")');
    await pageValue(page, 'location.hash').toBe(`#/alerts?deviceId=${downDevice}`);
    const forDevice = await api(`/alerts?deviceId=${downDevice}`);
    await expect
      .poll(async () => (await rows()).map(([, device]) => device), { timeout: 15_000 })
      .toEqual(forDevice.items.map(() => downDevice));
    expect(forDevice.items.length).toBeGreaterThanOrEqual(1);
    expect(await unlabelledControls(page)).toEqual([]);

    // A modem goes down while the unfiltered list is open: its alert (the seeded modem-down rule) shows up by itself.
    await page.goto(`${runtime.apiUrl}/#/alerts`);
    await page.waitForSelector('main[data-rendered="alerts"] table');
    await page.evaluate('window.sameDocument = true');
    const newlyDown = `${tag}-live-alert`;
    await produce([[newlyDown, record(newlyDown, 'DG3450', 0, 'down', 5, 100)]]);
    await page.waitForSelector(`main tbody tr:first-child a[data-device="${newlyDown}"]`, {
      timeout: 30_000,
    });
    expect(await page.evaluate<boolean>('window.sameDocument === true')).toBe(true);

    // Acknowledge it and mute its device from the row: the API records both, the row shows them.
    const [newest] = (await api(`/alerts?deviceId=${newlyDown}`)).items;
    expect(newest).toMatchObject({ state: 'firing', acknowledged: null, muted: false });
    await page.click(`button[aria-label="Acknowledge alert ${newest.alertId}"]`);
    await expect
      .poll(async () => (await api(`/alerts?deviceId=${newlyDown}`)).items[0].acknowledged, {
        timeout: 10_000,
      })
      .toMatchObject({ by: expect.stringMatching(/^unauthenticated@/) });
    await page.click(`button[aria-label="Mute device ${newlyDown} for an hour"]`);
    await expect
      .poll(async () => (await api('/mutes')).items.map((m: { deviceId?: string }) => m.deviceId), {
        timeout: 10_000,
      })
      .toContain(newlyDown);
    await page.waitForSelector(`main tbody tr:first-child .muted`, { timeout: 15_000 });
    expect(await page.textContent('main tbody tr:first-child')).toContain('Acknowledged');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.close();
  });
  it('shows a device that stopped reporting as silent, with its last values as last reported', async () => {
    // Its silence alert (the rule on its model, 60 s) fires through the real sweep; nothing else reports that model.
    await expect
      .poll(
        async () =>
          (await api(`/alerts?deviceId=${quietDevice}&state=firing`)).items.map(
            (alert: { ruleId: string }) => alert.ruleId,
          ),
        { timeout: 180_000, interval: 2000 },
      )
      .toContain(quietRule);
    const page = await openPage();
    await page.goto(`${runtime.apiUrl}/#/device/${quietDevice}`);
    await page.waitForSelector('main[data-rendered="device"] [data-stat="status"].status-silent', {
      timeout: 15_000,
    });
    const status = await page.textContent('[data-stat="status"]');
    expect(status).toMatch(new RegExp(`^silent \\(last record .+ UTC; ${quietRule} firing since .+ UTC\\)$`));
    expect(await page.textContent('#now-title')).toBe('Last reported');
    expect(await page.textContent('main')).toContain('Last reported status');
    // The alert is listed among the device's active alerts too.
    expect(await page.textContent('table:has(caption:text-is("Active alerts"))')).toContain(quietRule);
    await page.close();
  });
});
