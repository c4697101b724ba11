import { ConfigError, loadConfig } from '../shared/config';
import { createRuntime, type Runtime, type RuntimeParts } from './runtime';

let runtime: Runtime | undefined;

/**
 * The composition root of a Lambda function: its runtime, built at cold start from the function's
 * environment (set by the stateless stack; the link-signing key filled in by infra/runtime/
 * lambda-entry.ts before the handler module loads) and kept for the life of the execution environment.
 */
export function lambdaRuntime(parts: RuntimeParts = {}): Runtime {
  if (!runtime) {
    const config = loadConfig(process.env);
    if (!config.linkSigningKey) throw new ConfigError('NASHRA_LINK_SIGNING_KEY is required on AWS');
    runtime = createRuntime('lambda', config, parts);
  }
  return runtime;
}
