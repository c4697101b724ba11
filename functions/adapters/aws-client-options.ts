import type { Config } from '../shared/config';

/** What every SDK client of nashra is made with. */
export interface AwsClientOptions {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  requestHandler?: { connectionTimeout: number; requestTimeout: number };
}

/**
 * Options every SDK client shares: the region, the service's endpoint when one is configured, and in
 * local mode static credentials (the emulators accept any), so no AWS account or profile is looked up.
 * A staff process on a stage gives up on an endpoint within seconds (`config.clientTimeouts`), so an
 * unreachable stage is said at once instead of after the SDK's minutes of retries.
 */
export function clientOptions(config: Config, endpoint: string | undefined): AwsClientOptions {
  return {
    region: config.region,
    ...(endpoint ? { endpoint } : {}),
    ...(config.mode === 'local' ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
    ...(config.clientTimeouts
      ? {
          requestHandler: {
            connectionTimeout: config.clientTimeouts.connectMs,
            requestTimeout: config.clientTimeouts.requestMs,
          },
        }
      : {}),
  };
}
