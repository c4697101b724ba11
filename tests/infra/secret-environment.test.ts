import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fillSecretEnvironment } from '../../infra/runtime/secret-environment';

const secretArn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:nashra-link-key-AbCdEf';

let server: Server | undefined;
afterEach(() => server?.close());

/** A stand-in for the Parameters and Secrets extension's local HTTP endpoint. */
async function extension(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  const requests: IncomingMessage[] = [];
  server = createServer((request, response) => {
    requests.push(request);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requests };
}

const json = (response: ServerResponse, body: unknown) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
};

describe('filling secrets into the environment at cold start', () => {
  it('puts the value of each NAME_SECRET_ARN into NAME, asking with the session token', async () => {
    const { endpoint, requests } = await extension((_, response) =>
      json(response, { SecretString: 'k'.repeat(64) }),
    );
    const env: NodeJS.ProcessEnv = {
      NASHRA_LINK_SIGNING_KEY_SECRET_ARN: secretArn,
      AWS_SESSION_TOKEN: 'session',
    };
    await fillSecretEnvironment(env, { endpoint });
    expect(env.NASHRA_LINK_SIGNING_KEY).toBe('k'.repeat(64));
    expect(requests[0]?.url).toBe(`/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`);
    expect(requests[0]?.headers['x-aws-parameters-secrets-token']).toBe('session');
  });

  it('waits for an extension that is not ready yet', async () => {
    let calls = 0;
    const { endpoint } = await extension((_, response) => {
      calls += 1;
      if (calls < 3) {
        response.statusCode = 400;
        response.end('not ready to serve traffic, please wait');
        return;
      }
      json(response, { SecretString: 'ready-value-0123456789abcdef0123456789' });
    });
    const env: NodeJS.ProcessEnv = { NASHRA_LINK_SIGNING_KEY_SECRET_ARN: secretArn };
    await fillSecretEnvironment(env, { endpoint, retryDelayMs: 1 });
    expect(env.NASHRA_LINK_SIGNING_KEY).toBe('ready-value-0123456789abcdef0123456789');
    expect(calls).toBe(3);
  });

  it('fails at once, naming the secret, when the secret is missing or not granted', async () => {
    let calls = 0;
    const { endpoint } = await extension((_, response) => {
      calls += 1;
      response.statusCode = 400;
      response.end('AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue');
    });
    const env: NodeJS.ProcessEnv = { NASHRA_LINK_SIGNING_KEY_SECRET_ARN: secretArn };
    await expect(fillSecretEnvironment(env, { endpoint, retryDelayMs: 1 })).rejects.toThrow(
      `cannot read secret ${secretArn}: HTTP 400: AccessDeniedException`,
    );
    expect(calls).toBe(1);
    expect(env.NASHRA_LINK_SIGNING_KEY).toBeUndefined();
  });

  it('refuses a secret without a string value', async () => {
    const { endpoint } = await extension((_, response) => json(response, { SecretBinary: 'AAEC' }));
    await expect(
      fillSecretEnvironment({ NASHRA_LINK_SIGNING_KEY_SECRET_ARN: secretArn }, { endpoint }),
    ).rejects.toThrow(/has no string value/);
  });

  it('gives up after its attempts when nothing answers', async () => {
    const { endpoint } = await extension(() => undefined);
    server?.close();
    server = undefined;
    await expect(
      fillSecretEnvironment(
        { NASHRA_LINK_SIGNING_KEY_SECRET_ARN: secretArn },
        { endpoint, attempts: 2, retryDelayMs: 1 },
      ),
    ).rejects.toThrow(`cannot read secret ${secretArn}`);
  });

  it('leaves a value already set alone, and does nothing without *_SECRET_ARN variables (local mode)', async () => {
    const { endpoint, requests } = await extension((_, response) =>
      json(response, { SecretString: 'other' }),
    );
    const env: NodeJS.ProcessEnv = {
      NASHRA_LINK_SIGNING_KEY_SECRET_ARN: secretArn,
      NASHRA_LINK_SIGNING_KEY: 'given',
    };
    await fillSecretEnvironment(env, { endpoint });
    await fillSecretEnvironment({ NASHRA_MODE: 'local' }, { endpoint });
    expect(env.NASHRA_LINK_SIGNING_KEY).toBe('given');
    expect(requests).toHaveLength(0);
  });
});
