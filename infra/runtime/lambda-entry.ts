// The entry of every function bundle. The handler module is imported only once the secrets are in
// process.env, so that its module code and config() find them at cold start. `nashra-handler` is an
// esbuild alias for the function's own handler file (set by NashraFunction).
import { fillSecretEnvironment } from './secret-environment';

await fillSecretEnvironment(process.env);

export const { handler } = await import('nashra-handler');
