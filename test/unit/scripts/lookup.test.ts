import { describe, expect, it } from 'vitest';
import type { DeviceView } from '#lambda/lookup-api/mappers.ts';
import { ago, formatDevice } from '#scripts/lookup-format.ts';
import { deviceRequest } from '#scripts/lookup-request.ts';

const NOW = Date.parse('2026-11-21T12:00:00.000Z');

const device: DeviceView = {
  deviceId: 'dvc0042',
  model: 'EVG2000',
  interface: 'eth4.1',
  status: 'down',
  cpuUsage: 73,
  memoryUsage: 1234,
  eventTime: '2026-11-21T11:59:48.000Z',
  firstSeen: '2026-11-20T08:00:00.000Z',
  lastSeen: '2026-11-21T11:59:48.000Z',
  recordCount: 12345,
  downCount: 17,
  cpu: { min: 3, max: 99, avg: 45.25 },
  memory: { min: 800, max: 2048, avg: 1200.5 },
  interfaces: ['eth0', 'eth4.1'],
  registry: { tier: 'platinum', customer: 'ACME' },
  activeAlerts: [
    {
      ruleId: 'modem-down',
      severity: 'critical',
      alertId: 'a1',
      message: 'Modem went down',
      at: '2026-11-21T11:55:00.000Z',
    },
    { ruleId: 'cpu-high', severity: null, alertId: null, message: null, at: null },
  ],
};

describe('formatDevice', () => {
  it('prints what a person looks for first', () => {
    expect(formatDevice(device, NOW).split('\n')).toEqual([
      'dvc0042  EVG2000  DOWN on eth4.1',
      'last seen   2026-11-21T11:59:48.000Z (12 s ago)',
      'first seen  2026-11-20T08:00:00.000Z',
      'records     12,345 (17 down)',
      'cpu         now 73 %   min 3  avg 45.25  max 99',
      'memory      now 1,234 MB   min 800  avg 1,200.5  max 2,048',
      'interfaces  eth0, eth4.1',
      'registry    customer=ACME  tier=platinum',
      'alerts      [critical] modem-down — Modem went down (since 2026-11-21T11:55:00.000Z, 5 min ago)',
      '            [unknown] cpu-high',
    ]);
  });

  it('says so when there is no registry row and no alert', () => {
    const text = formatDevice({ ...device, registry: null, activeAlerts: [] }, NOW);
    expect(text).toContain('registry    (not in the registry)');
    expect(text).toContain('alerts      none active');
  });

  it.each([
    [0, '0 s ago'],
    [90_000, '90 s ago'],
    [600_000, '10 min ago'],
    [3 * 3_600_000, '3 h ago'],
    [5 * 86_400_000, '5 d ago'],
    [-5_000, 'in the future'],
  ])('ago(%d ms)', (delta, text) => {
    expect(ago(new Date(NOW - delta).toISOString(), NOW)).toBe(text);
  });
});

describe('deviceRequest', () => {
  const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

  it('leaves the local API unsigned and percent-encodes the device id', async () => {
    const request = await deviceRequest('http://127.0.0.1:3000/', 'dvc 7/ü', undefined, credentials);
    expect(request.url.href).toBe('http://127.0.0.1:3000/devices/dvc%207%2F%C3%BC');
    expect(request.headers).toEqual({});
    expect(request.signedFor).toBeNull();
  });

  it('signs an execute-api URL with SigV4 for the region in the host name', async () => {
    const request = await deviceRequest(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      'dvc1',
      undefined,
      credentials,
    );
    expect(request.url.pathname).toBe('/prod/devices/dvc1');
    expect(request.signedFor).toBe('eu-west-1');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('lets --region override and refuses a URL that is not http(s)', async () => {
    const request = await deviceRequest('https://api.example.com', 'd', 'ap-south-1', credentials);
    expect(request.signedFor).toBe('ap-south-1');
    await expect(deviceRequest('ftp://x', 'd', undefined, credentials)).rejects.toThrow(
      '--url must be http(s)',
    );
    await expect(deviceRequest('not a url', 'd', undefined, credentials)).rejects.toThrow(
      '--url is not a URL',
    );
  });
});
