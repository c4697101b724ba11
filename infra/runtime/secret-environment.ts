/**
 * Fills secrets into the environment of a Lambda function before its handler module runs, so that the
 * functions' synchronous `config()` reads them like any other setting and the secret value never sits
 * in the function's configuration (where `lambda:GetFunctionConfiguration` would show it).
 *
 * Convention: for every variable `NAME_SECRET_ARN`, the secret's string is put into `NAME`. The value is
 * read through the AWS Parameters and Secrets Lambda Extension (a layer the stack adds), which needs no
 * SDK in the bundle and caches the value for a few minutes (the function's `secretsManagerTtl`).
 */

const SUFFIX = '_SECRET_ARN';

export interface SecretEnvironmentOptions {
  /** The extension's local endpoint; Lambda runs it on port 2773 unless configured otherwise. */
  endpoint?: string;
  /** Attempts while the extension is still starting (it may start after the runtime does). */
  attempts?: number;
  /** Pause between attempts, in milliseconds. */
  retryDelayMs?: number;
}

export class SecretEnvironmentError extends Error {
  override name = 'SecretEnvironmentError';
}

/** Resolves every `*_SECRET_ARN` variable of `env` into its plain variable; resolves once all are set. */
export async function fillSecretEnvironment(
  env: NodeJS.ProcessEnv,
  options: SecretEnvironmentOptions = {},
): Promise<void> {
  const wanted = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[0].endsWith(SUFFIX) && Boolean(entry[1]),
  );
  const endpoint =
    options.endpoint ?? `http://localhost:${env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773'}`;
  await Promise.all(
    wanted.map(async ([name, secretArn]) => {
      const target = name.slice(0, -SUFFIX.length);
      if (env[target]) return;
      env[target] = await readSecret(endpoint, secretArn, env.AWS_SESSION_TOKEN ?? '', options);
    }),
  );
}

/**
 * The string value of one secret, read through the extension now (it answers from its own cache
 * until that cache's TTL runs out): how a warm function re-reads its keyring.
 */
export function readSecretThroughExtension(
  env: NodeJS.ProcessEnv,
  secretArn: string,
  options: SecretEnvironmentOptions = {},
): Promise<string> {
  const endpoint =
    options.endpoint ?? `http://localhost:${env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773'}`;
  return readSecret(endpoint, secretArn, env.AWS_SESSION_TOKEN ?? '', { attempts: 2, ...options });
}

async function readSecret(
  endpoint: string,
  secretArn: string,
  sessionToken: string,
  { attempts = 20, retryDelayMs = 100 }: SecretEnvironmentOptions,
): Promise<string> {
  const url = `${endpoint}/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { headers: { 'X-Aws-Parameters-Secrets-Token': sessionToken } });
      if (response.ok) {
        const body = (await response.json()) as { SecretString?: unknown };
        if (typeof body.SecretString !== 'string' || body.SecretString.length === 0) {
          throw new SecretEnvironmentError(`secret ${secretArn} has no string value`);
        }
        return body.SecretString;
      }
      lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      // 4xx other than the extension's "not ready" answers is final: a missing secret or grant.
      if (response.status !== 400 || !/not ready/i.test(lastProblem)) break;
    } catch (error) {
      if (error instanceof SecretEnvironmentError) throw error;
      lastProblem = (error as Error).message;
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
  throw new SecretEnvironmentError(`cannot read secret ${secretArn}: ${lastProblem}`);
}
