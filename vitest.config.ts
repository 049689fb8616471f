import { defineConfig } from 'vitest/config';

// Three suites, run separately by `npm test`: unit (pure, no network), infra (CDK synth + cdk-nag),
// integration (real Kafka + DynamoDB Local, started once by the global setup).
export default defineConfig({
  test: {
    // Node 20 is supported here; the SDK's notice about future releases needing Node 22 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
