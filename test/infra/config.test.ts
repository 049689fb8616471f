import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GUARDRAILS_DEFAULTS } from '#lib/config/guardrails.ts';
import { CONFIG_DEFAULTS, CONTEXT_KEY, configReference, parseConfig } from '#lib/config.ts';
import { DEFAULT_PROFILE, PROFILES } from '#lib/profiles.ts';
import { projectRoot } from '#test/support/infra.ts';

const cdkJson = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')) as {
  context: Record<string, unknown>;
};

describe('config from cdk.json context', () => {
  it('accepts the shipped cdk.json and types it', () => {
    const config = parseConfig(cdkJson.context[CONTEXT_KEY]);
    expect(config.processor.batchSize).toBe(10_000);
    expect(config.processor.startingPosition).toBe('TRIM_HORIZON');
    expect(config.vpc.egress).toBe('endpoints');
    expect(config.deleteTopicOnRemoval).toBe(false);
  });

  it('fills defaults when the context is absent', () => {
    expect(parseConfig(undefined).topicPartitions).toBe(24);
    expect(parseConfig(undefined).processor.consumerGroupId).toBe('fleetstream-state-processor');
  });

  it('takes the batching window, partitions and memory from the profile, balanced by default', () => {
    const point = (profile?: string) => {
      const c = parseConfig(profile === undefined ? {} : { profile });
      return [c.profile, c.processor.maxBatchingWindowSeconds, c.topicPartitions, c.processor.memoryMb];
    };
    expect(point()).toEqual(['balanced', 10, 24, 1024]);
    expect(point('realtime')).toEqual(['realtime', 1, 12, 1769]);
    expect(point('economy')).toEqual(['economy', 30, 24, 1024]);
    // The shipped cdk.json names the default profile rather than restating its numbers.
    expect(parseConfig(cdkJson.context[CONTEXT_KEY]).processor.maxBatchingWindowSeconds).toBe(10);
    expect(PROFILES[DEFAULT_PROFILE]).toEqual({
      maxBatchingWindowSeconds: 10,
      topicPartitions: 24,
      memoryMb: 1024,
    });
  });

  it('lets an explicit key win over the profile, and rejects an unknown profile', () => {
    const c = parseConfig({
      profile: 'economy',
      topicPartitions: 6,
      processor: { maxBatchingWindowSeconds: 10 },
    });
    expect([c.processor.maxBatchingWindowSeconds, c.topicPartitions, c.processor.memoryMb]).toEqual([
      10, 6, 1024,
    ]);
    expect(() => parseConfig({ profile: 'cheap' })).toThrow(
      'fleetstream.profile must be one of realtime, balanced, economy, got "cheap"',
    );
  });

  it('accepts a JSON string (cdk -c fleetstream=…)', () => {
    expect(parseConfig('{"topicPartitions":12}').topicPartitions).toBe(12);
  });

  it('rejects a batch size above the MSK limit with a clear message', () => {
    expect(() => parseConfig({ processor: { batchSize: 20_000 } })).toThrow(
      'fleetstream.processor.batchSize must be an integer from 1 to 10000, got 20000',
    );
  });

  it('rejects an unknown starting position, naming the allowed ones', () => {
    expect(() => parseConfig({ processor: { startingPosition: 'EARLIEST' } })).toThrow(
      'fleetstream.processor.startingPosition must be one of TRIM_HORIZON, LATEST, got "EARLIEST"',
    );
  });

  it('rejects a batching window over 300 s, a bad egress and a typo, all in one error', () => {
    let message = '';
    try {
      parseConfig({
        processor: { maxBatchingWindowSeconds: 301 },
        vpc: { egress: 'internet' },
        topicPartition: 3,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('maxBatchingWindowSeconds must be an integer from 0 to 300, got 301');
    expect(message).toContain('fleetstream.vpc.egress must be one of endpoints, nat, got "internet"');
    expect(message).toContain('fleetstream.topicPartition is not a known setting');
  });

  it('rejects malformed emails and non-JSON strings', () => {
    expect(() => parseConfig({ alertEmail: 'noc.example.com' })).toThrow(
      'alertEmail must be an email address',
    );
    expect(() => parseConfig('{oops')).toThrow('is not JSON');
  });

  it('leaves pollers on demand unless provisionedPollers is set, then types both bounds', () => {
    expect(parseConfig({}).processor.provisionedPollers).toBeUndefined();
    expect(
      parseConfig({ processor: { provisionedPollers: { minimum: 2, maximum: 20 } } }).processor
        .provisionedPollers,
    ).toEqual({ minimum: 2, maximum: 20 });
  });

  it.each([
    [{ minimum: 0, maximum: 5 }, 'provisionedPollers.minimum must be an integer from 1 to 200, got 0'],
    [{ minimum: 201, maximum: 500 }, 'provisionedPollers.minimum must be an integer from 1 to 200, got 201'],
    [{ minimum: 1, maximum: 2001 }, 'provisionedPollers.maximum must be an integer from 1 to 2000, got 2001'],
    [{ minimum: 10, maximum: 5 }, 'provisionedPollers.minimum (10) must not exceed'],
    [{ minimum: 2 }, 'provisionedPollers.maximum is required when'],
    [{ minimum: 2, maximum: 4, group: 'x' }, 'provisionedPollers.group is not a known setting'],
    [true, 'provisionedPollers must be an object, got true'],
  ])('rejects provisionedPollers %j outside Lambda’s Kafka ranges', (pollers, message) => {
    expect(() => parseConfig({ processor: { provisionedPollers: pollers } })).toThrow(message);
  });

  it('owns the account-level API Gateway logging role unless told not to, and checks the flag', () => {
    expect(parseConfig({}).api.accountCloudWatchRole).toBe(true);
    expect(parseConfig({ api: { accountCloudWatchRole: false } }).api.accountCloudWatchRole).toBe(false);
    expect(() => parseConfig({ api: { accountCloudWatchRole: 'no' } })).toThrow(
      'fleetstream.api.accountCloudWatchRole must be true or false, got "no"',
    );
  });

  it('means by an absent key exactly what it meant before the settings table (the cost model prices these)', () => {
    expect(CONFIG_DEFAULTS).toEqual({
      profile: 'balanced',
      topicName: 'modem-telemetry',
      topicPartitions: 24,
      deleteTopicOnRemoval: false,
      vpc: { maxAzs: 2, egress: 'endpoints', clientVpcs: [] },
      // Keys added with the front door, the guardrails and the curated lake (issues 23–25), at their defaults.
      producerAccounts: [],
      ingest: { reservedConcurrency: 10 },
      processor: {
        batchSize: 10_000,
        maxBatchingWindowSeconds: 10,
        startingPosition: 'TRIM_HORIZON',
        memoryMb: 1024,
        timeoutSeconds: 120,
        consumerGroupId: 'fleetstream-state-processor',
        provisionedPollers: undefined,
      },
      processorGuardrails: { newDevicesPerPartitionMinute: 1_000 },
      windowRetentionDays: 7,
      deletionProtection: true,
      alertEmail: '',
      opsEmail: '',
      api: { rateLimit: 50, burstLimit: 100, accountCloudWatchRole: true },
      guardrails: GUARDRAILS_DEFAULTS,
      curatedLake: { enabled: true, delayMinutes: 5, lateHours: 2 },
      silenceSweep: { enabled: true, stallAfterSeconds: 120 },
    });
    expect(parseConfig(undefined)).toEqual(CONFIG_DEFAULTS);
  });

  it('reports unknown keys of every section before any value, in the table order', () => {
    expect(() => parseConfig({ api: { x: 1 }, vpc: 3, topicPartitions: 0, typo: 1 })).toThrow(
      [
        'fleetstream.typo is not a known setting (known: profile, topicName, topicPartitions, deleteTopicOnRemoval, vpc, producerAccounts, ingest, processor, processorGuardrails, windowRetentionDays, deletionProtection, alertEmail, opsEmail, api, guardrails, curatedLake, silenceSweep)',
        'fleetstream.vpc must be an object, got 3',
        'fleetstream.api.x is not a known setting (known: rateLimit, burstLimit, accountCloudWatchRole)',
        'fleetstream.topicPartitions must be an integer from 1 to 2400, got 0',
      ].join('\n  - '),
    );
  });

  it('documents every key in docs/ARCHITECTURE.md exactly as the settings table says', () => {
    const doc = readFileSync(`${projectRoot}/docs/ARCHITECTURE.md`, 'utf8');
    expect(doc).toContain(configReference());
    for (const key of ['vpc.egress', 'processor.provisionedPollers', 'api.accountCloudWatchRole'])
      expect(configReference()).toContain(`| \`${key}\` |`);
  });

  it('fails `cdk synth` (the real bin/app.ts) with the message and a non-zero exit', () => {
    const bad = {
      ...(cdkJson.context[CONTEXT_KEY] as object),
      processor: { batchSize: 20_000, startingPosition: 'SOMETIME' },
    };
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ [CONTEXT_KEY]: bad }),
        CDK_OUTDIR: '/nonexistent-never-written',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid FleetStream configuration');
    expect(run.stderr).toContain('batchSize must be an integer from 1 to 10000, got 20000');
    expect(run.stderr).toContain('startingPosition must be one of TRIM_HORIZON, LATEST, got "SOMETIME"');
  });
});

describe('guardrails section (lib/config/guardrails.ts)', () => {
  const errorOf = (guardrails: unknown): string => {
    try {
      parseConfig({ guardrails });
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  it('defaults every cap when absent', () => {
    expect(parseConfig({}).guardrails).toEqual(GUARDRAILS_DEFAULTS);
  });

  it('refuses unknown keys, out-of-range units and a table cap above the table quota', () => {
    expect(errorOf({ budget: 5 })).toContain('fleetstream.guardrails.budget is not a known setting');
    expect(errorOf({ tables: { state: { maxReadRequestUnits: 0 } } })).toContain(
      'fleetstream.guardrails.tables.state.maxReadRequestUnits must be an integer from 1 to 40000, got 0',
    );
    expect(errorOf({ tables: { state: { maxWriteRequestUnits: 40_001 } } })).toContain('from 1 to 40000');
  });

  it('refuses warm throughput below DynamoDB’s floor', () => {
    expect(errorOf({ stateWarmThroughput: { readUnitsPerSecond: 100 } })).toContain(
      'stateWarmThroughput.readUnitsPerSecond must be an integer from 12000',
    );
  });

  it('refuses caller limits WAF would refuse, and a listing limit above the request limit', () => {
    expect(errorOf({ callerLimits: { windowSeconds: 30 } })).toContain(
      'windowSeconds must be one of 60, 120, 300, 600',
    );
    expect(errorOf({ callerLimits: { requestsPerWindow: 5 } })).toContain('must be an integer from 10');
    expect(errorOf({ callerLimits: { requestsPerWindow: 50, unfilteredListingsPerWindow: 60 } })).toContain(
      'unfilteredListingsPerWindow must not exceed fleetstream.guardrails.callerLimits.requestsPerWindow',
    );
  });

  it('allows 0 to mean "none" for reserved concurrency, the budget and Object Lock, never negatives', () => {
    const g = parseConfig({
      guardrails: { reservedConcurrency: { lookupApi: 0 }, monthlyBudgetUsd: 0, lakeObjectLockDays: 0 },
    }).guardrails;
    expect([g.reservedConcurrency.lookupApi, g.monthlyBudgetUsd, g.lakeObjectLockDays]).toEqual([0, 0, 0]);
    expect(errorOf({ monthlyBudgetUsd: -1 })).toContain('monthlyBudgetUsd must be an integer from 0');
  });
});
