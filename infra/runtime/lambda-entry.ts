// The entry of every function bundle. The handler module is imported only once the secrets are in
// process.env, so that its module code and config() find them at cold start. `nashra-handler` is an
// esbuild alias for the function's own handler file (set by NashraFunction). Every invocation runs
// through aroundInvocation: a warm function re-reads its link-signing keyring every few minutes (a
// rotated key reaches it without a cold start) and publishes its metrics after each invocation.
import { fillSecretEnvironment, readSecretThroughExtension } from './secret-environment';

await fillSecretEnvironment(process.env);

const { handler: invoke } = await import('nashra-handler');
const { aroundInvocation } = await import('../../functions/runtime/lambda');

const keyringArn = process.env.NASHRA_LINK_SIGNING_KEY_SECRET_ARN;
const readKeys = keyringArn ? () => readSecretThroughExtension(process.env, keyringArn) : undefined;

export const handler = (event: never, context: never) =>
  aroundInvocation(() => invoke(event, context), readKeys);
