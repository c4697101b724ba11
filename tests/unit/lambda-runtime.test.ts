import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  NEW_KEY_SIGNS_AFTER_MS,
  parseKeyring,
  rotateKeyring,
  serialiseKeyring,
} from '../../functions/core/link-keys';
import { LinkSigner } from '../../functions/core/link-token';
import { metricDimensions, metricNames } from '../../functions/core/metrics';

const original = 'k'.repeat(40);
const start = new Date('2026-11-29T12:00:00Z');
const claims = { subscriberId: 'sub_1', purpose: 'unsubscribe' as const, linkVersion: 1 };
const functionEnvironment = {
  NASHRA_MODE: 'aws',
  NASHRA_STAGE: 'test',
  NASHRA_BASE_URL: 'https://news.example.org',
  NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/send',
  AWS_REGION: 'eu-west-1',
};

const saved = { ...process.env };
let written: string[];
let warned: string[];

/** A fresh copy of the Lambda composition root (its runtime is one per execution environment). */
async function coldStart(env: Record<string, string>) {
  vi.resetModules();
  for (const key of Object.keys(process.env)) if (key.startsWith('NASHRA_')) delete process.env[key];
  Object.assign(process.env, functionEnvironment, env);
  return import('../../functions/runtime/lambda');
}

beforeEach(() => {
  vi.useFakeTimers({ now: start, toFake: ['Date'] });
  written = [];
  warned = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    warned.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  process.env = { ...saved };
});

describe('the Lambda composition root', () => {
  it('requires the keyring of a function that signs links, and of no other', async () => {
    const lambda = await coldStart({});
    expect(() => lambda.lambdaRuntime({ signsLinks: true })).toThrow(
      /NASHRA_LINK_SIGNING_KEY is required: this function signs or verifies reader links/,
    );
    const runtime = (await coldStart({})).lambdaRuntime();
    expect(() => runtime.signer).toThrow(/cannot sign or verify reader links/);
  });

  it('fails the cold start of a signing function whose keyring is malformed', async () => {
    const lambda = await coldStart({
      NASHRA_LINK_SIGNING_KEY: '{"nashraKeyring":1,"current":"k1","keys":[]}',
    });
    expect(() => lambda.lambdaRuntime({ signsLinks: true })).toThrow(/keyring is malformed/);
  });

  it('reads the keyring again once it is two minutes old, so a rotated key reaches a warm function', async () => {
    const lambda = await coldStart({ NASHRA_LINK_SIGNING_KEY: original });
    const runtime = lambda.lambdaRuntime({ signsLinks: true });
    const rotated = rotateKeyring(parseKeyring(original), 'n'.repeat(43), start);
    const takeover = new Date(start.getTime() + NEW_KEY_SIGNS_AFTER_MS);
    const newLink = new LinkSigner(rotated).sign(claims, takeover);
    const reads: string[] = [];
    const readKeys = async () => {
      reads.push('read');
      return serialiseKeyring(rotated);
    };
    const verify = async () => runtime.signer.verify(newLink, 'unsubscribe', start);

    await expect(lambda.aroundInvocation(verify, readKeys)).rejects.toThrow(/retired or unknown/);
    vi.setSystemTime(start.getTime() + lambda.KEY_REFRESH_MS - 1);
    await expect(lambda.aroundInvocation(verify, readKeys)).rejects.toThrow();
    expect(reads).toHaveLength(0);

    vi.setSystemTime(start.getTime() + lambda.KEY_REFRESH_MS);
    await expect(lambda.aroundInvocation(verify, readKeys)).resolves.toEqual(claims);
    expect(reads).toHaveLength(1);
    expect(runtime.signer.sign(claims, takeover).startsWith('k1.')).toBe(true);
  });

  it('keeps the keyring it holds when a re-read fails, and says so', async () => {
    const lambda = await coldStart({ NASHRA_LINK_SIGNING_KEY: original });
    const runtime = lambda.lambdaRuntime({ signsLinks: true });
    const firstMail = runtime.signer.sign(claims, start);
    vi.setSystemTime(start.getTime() + lambda.KEY_REFRESH_MS);
    const outcome = await lambda.aroundInvocation(
      async () => runtime.signer.verify(firstMail, 'unsubscribe', start),
      async () => {
        throw new Error('extension not answering');
      },
    );
    expect(outcome).toEqual(claims);
    expect(warned.join('')).toContain('could not read the link-signing keyring again');
  });

  it('publishes the counts of each invocation as one EMF line with the dimensions the alarms name', async () => {
    const lambda = await coldStart({});
    const runtime = lambda.lambdaRuntime();
    await lambda.aroundInvocation(async () => {
      runtime.metrics.count(metricNames.sent, 3);
      runtime.metrics.count(metricNames.failed, 1);
    });
    const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      ...metricDimensions('test'),
      MailsSent: 3,
      MailsFailed: 1,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'nashra',
            Dimensions: [Object.keys(metricDimensions('test'))],
            Metrics: expect.arrayContaining([
              { Name: 'MailsSent', Unit: 'Count' },
              { Name: 'MailsFailed', Unit: 'Count' },
            ]),
          },
        ],
      },
    });
    written.length = 0;
    await lambda.aroundInvocation(async () => undefined);
    expect(written).toEqual([]);
  });
});
