import type { Config } from '../shared/config';

/**
 * Options every SDK client shares: the region, the service's endpoint when one is configured, and in
 * local mode static credentials (the emulators accept any), so no AWS account or profile is looked up.
 */
export function clientOptions(config: Config, endpoint: string | undefined) {
  return {
    region: config.region,
    ...(endpoint ? { endpoint } : {}),
    ...(config.mode === 'local' ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  };
}
