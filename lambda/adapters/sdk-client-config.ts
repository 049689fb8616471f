/**
 * The retry and timeout part of every AWS SDK client's configuration, from the one table of settings
 * (core/contract/sdk-clients.ts). Without it a client has the SDK defaults: 3 attempts under a retry quota that a
 * burst of errors drains, no request timeout (a request past it only logs a warning) and a 300 s socket timeout,
 * longer than the functions' own (a hung connection then costs a whole invocation and a batch retry).
 */
import {
  LOCAL_REQUEST_TIMEOUT_MS,
  SDK_CLIENT_SETTINGS,
  type SdkService,
} from '#core/contract/sdk-clients.ts';
import { BoundedRetryStrategy } from './sdk-retry.ts';

/** `local`: a local emulator (DynamoDB Local), which gets LOCAL_REQUEST_TIMEOUT_MS instead. */
export const sdkClientConfig = (service: SdkService, options: { local?: boolean } = {}) => {
  const settings = options.local
    ? { ...SDK_CLIENT_SETTINGS[service], requestTimeoutMs: LOCAL_REQUEST_TIMEOUT_MS }
    : SDK_CLIENT_SETTINGS[service];
  return {
    maxAttempts: settings.maxAttempts,
    retryStrategy: new BoundedRetryStrategy(settings),
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // Without this the SDK only warns when requestTimeout passes.
      throwOnRequestTimeout: true,
      socketTimeout: settings.requestTimeoutMs,
    },
  };
};
