import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SecretsManagerKeyringStore } from '../../functions/adapters/secrets';
import type { Article } from '../../functions/core/article';
import { ConflictError } from '../../functions/core/errors';
import { listKeys, retireKeyById, rotateKeys } from '../../functions/core/keys';
import { NEW_KEY_SIGNS_AFTER_MS, parseKeyring, serialiseKeyring } from '../../functions/core/link-keys';
import { subscriberLinks } from '../../functions/core/link-token';
import { addSchedule } from '../../functions/core/schedules';
import { sendDigest } from '../../functions/core/send/send-digest';
import { createApp } from '../../functions/http/app';
import { type OpenRuntime, openRuntime } from '../../functions/runtime/open-runtime';
import { scheduleParts } from '../../functions/runtime/scheduling';
import { sendingParts } from '../../functions/runtime/sending';
import {
  requiredStatefulKeys,
  requiredStatelessKeys,
  statefulOutputs,
} from '../../functions/shared/stage-outputs';
import {
  type CloudFormationStandIn,
  startCloudFormationStandIn,
} from '../support/aws-stand-ins/cloudformation';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../support/aws-stand-ins/secrets-manager';
import { cliRunner } from '../support/cli';
import { seedSubscribers } from '../support/seed';
import { reader } from '../support/test-stack';

const now = new Date().toISOString();
const article: Article = {
  id: 'keys-article',
  lang: 'en',
  title: 'Statement on the water crisis',
  summary: 'Summary',
  bodyHtml: '<p>body</p>',
  url: 'https://www.example.org/keys-water',
  topics: [],
  publishedAt: new Date(Date.now() - 60_000).toISOString(),
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
};

describe('rotating the local keyring twice (nashra keys, NASHRA_HOME)', () => {
  const { env, run } = cliRunner({
    NASHRA_QUIET_HOURS: 'off',
    NASHRA_SENDER_TIMEOUT_SECONDS: '3',
    NASHRA_SEND_RATE: '2000',
  });
  const home = env.NASHRA_HOME as string;
  const opened: OpenRuntime[] = [];
  const open = async () => {
    const runtime = await openRuntime('local', { env });
    opened.push(runtime);
    return runtime;
  };
  const subscriber = reader();
  const pathOf = (url: string) => new URL(url).pathname;
  let firstMailLink = '';
  let first: OpenRuntime;

  beforeAll(async () => {
    first = await open();
    await seedSubscribers(first.db, first.config.tables.subscribers, [subscriber]);
    await first.repos.articles.save(article);
    await addSchedule(
      { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      scheduleParts(first),
    );
    const schedule = await first.repos.schedules.get('weekly');
    if (!schedule) throw new Error('no schedule');
    await sendDigest(schedule, {}, sendingParts(first));
    await first.local?.triggers.idle();
    const [file] = readdirSync(join(home, 'outbox')).filter((name) => name.endsWith('.eml'));
    const mail = await simpleParser(readFileSync(join(home, 'outbox', file ?? '')));
    firstMailLink = pathOf(/https?:\/\/[^\s<>]+\/preferences\/[^\s<>\]]+/.exec(mail.text ?? '')?.[0] ?? '');
  }, 120_000);
  afterAll(async () => {
    for (const runtime of opened.reverse()) await runtime.close();
  });

  it('keeps the first mail working, signs with a new key once every process holds it, and warm processes take it', async () => {
    expect(firstMailLink).toMatch(/^\/preferences\/[\w-]+\.[\w-]+$/);
    expect((await createApp(first).request(firstMailLink)).status).toBe(200);
    const once = await run('keys', 'rotate');
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(
      /^k1 verifies from now on and signs from \d{4}-\d\d-\d\d \d\d:\d\d Baghdad, once every function holds it; k0 signs until then\./,
    );
    expect(once.stdout).toMatch(/ {2}k1 {3}verifies, signs from .+ Baghdad, added .+ Baghdad\n/);
    const twice = await run('keys', 'rotate', '--json');
    const pending = { addedAt: expect.any(String), signsFrom: expect.any(String), signs: false };
    const keys = JSON.parse(twice.stdout);
    expect(keys).toEqual([
      { id: 'k0', signs: true },
      { id: 'k1', ...pending },
      { id: 'k2', ...pending },
    ]);
    expect(Date.parse(keys[2].signsFrom) - Date.parse(keys[2].addedAt)).toBe(NEW_KEY_SIGNS_AFTER_MS);

    const second = await open();
    const linkAt = (when: Date) =>
      pathOf(subscriberLinks(second.signer, second.config.baseUrl, subscriber, when).preferencesUrl);
    // Until k2 takes over, links are signed with k0 (no key id), which every process holds.
    const nowLink = linkAt(new Date());
    const laterLink = linkAt(new Date(Date.parse(keys[2].signsFrom)));
    expect(nowLink).toMatch(/^\/preferences\/[\w-]+\.[\w-]+$/);
    expect(laterLink).toMatch(/^\/preferences\/k2\./);
    for (const runtime of [first, second]) {
      const app = createApp(runtime);
      // `first` started before the rotations: it reads the key file again for a key it lacks.
      for (const link of [firstMailLink, nowLink, laterLink])
        expect((await app.request(link)).status).toBe(200);
    }
  }, 120_000);

  it('retires a key only when told, never the one that signs nor the newest; its links stop working', async () => {
    const newest = await run('keys', 'retire', 'k2');
    expect([newest.code, newest.stderr]).toEqual([
      1,
      expect.stringMatching(
        /^nashra: k2 is the newest key, which signs from \d{4}-\d\d-\d\d \d\d:\d\d Baghdad: rotate first, then retire it\n$/,
      ),
    ]);
    const signing = await run('keys', 'retire', 'k0');
    expect(signing.stderr).toMatch(
      /^nashra: k0 signs until .+ Baghdad, when k1 takes over: retire it after that\n$/,
    );
    const unknown = await run('keys', 'retire', 'k9');
    expect(unknown.stderr).toContain('no key "k9" in the keyring (it holds k0, k1, k2)');

    const keys = JSON.parse((await run('keys', 'list', '--json')).stdout) as Array<{ signsFrom?: string }>;
    const k1Link = pathOf(
      subscriberLinks(first.signer, first.config.baseUrl, subscriber, new Date(keys[1]?.signsFrom ?? ''))
        .preferencesUrl,
    );
    expect(k1Link).toMatch(/^\/preferences\/k1\./);
    const retired = await run('keys', 'retire', 'k1');
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain('k1 retired');

    const third = await open();
    const app = createApp(third);
    expect((await app.request(k1Link)).status).toBe(404);
    expect((await app.request(firstMailLink)).status).toBe(200);
    expect(
      JSON.parse((await run('keys', 'list', '--json')).stdout).map((key: { id: string }) => key.id),
    ).toEqual(['k0', 'k2']);
  }, 120_000);

  it('leaves a key given by NASHRA_LINK_SIGNING_KEY to the environment', async () => {
    const given = cliRunner({ NASHRA_LINK_SIGNING_KEY: 'test-signing-key-0123456789abcdef0123456789' });
    const refused = await given.run('keys', 'rotate');
    expect([refused.code, refused.stderr]).toEqual([
      1,
      'nashra: the link-signing key comes from NASHRA_LINK_SIGNING_KEY here: change it there\n',
    ]);
  }, 60_000);
});

describe("rotating a stage's keyring in Secrets Manager", () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:nashra-test-link-signing-AbCdEf';
  const original = 'o'.repeat(64);
  let secrets: SecretsManagerStandIn;
  let cloudformation: CloudFormationStandIn;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    secrets = await startSecretsManagerStandIn({ [arn]: original });
    const dummy = (keys: string[]) =>
      Object.fromEntries(keys.map((key) => [key, `http://127.0.0.1:1/${key}`]));
    cloudformation = await startCloudFormationStandIn({
      stacks: {
        'nashra-test-stateful': {
          outputs: { ...dummy(requiredStatefulKeys), [statefulOutputs.linkSigningKeySecretArn]: arn },
        },
        'nashra-test-stateless': { outputs: { ...dummy(requiredStatelessKeys), Settings: '{}' } },
      },
    });
    client = new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: secrets.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await secrets.close();
    await cloudformation.close();
  });

  it('keeps the original key as k0 and moves AWSCURRENT to each new keyring', async () => {
    const store = new SecretsManagerKeyringStore(client, arn);
    await rotateKeys(store, { clock: { now: () => new Date('2026-12-01T00:00:00Z') } });
    await rotateKeys(store, { clock: { now: () => new Date('2026-12-02T00:00:00Z') } });
    const ring = parseKeyring(secrets.current(arn) ?? '');
    expect(ring.current).toBe('k2');
    expect(ring.keys[0]).toEqual({ id: 'k0', secret: original });
    expect(await listKeys(store, { clock: { now: () => new Date('2026-12-03T00:00:00Z') } })).toEqual([
      { id: 'k0', signs: false },
      { id: 'k1', addedAt: '2026-12-01T00:00:00.000Z', signsFrom: '2026-12-01T00:05:00.000Z', signs: false },
      { id: 'k2', addedAt: '2026-12-02T00:00:00.000Z', signsFrom: '2026-12-02T00:05:00.000Z', signs: true },
    ]);
    expect(secrets.calls).toEqual([
      'GetSecretValue',
      'PutSecretValue',
      'UpdateSecretVersionStage',
      'GetSecretValue',
      'PutSecretValue',
      'UpdateSecretVersionStage',
      'GetSecretValue',
    ]);
  });

  it('refuses a replacement when someone else changed the keyring since it was read', async () => {
    const store = new SecretsManagerKeyringStore(client, arn);
    const read = await store.read();
    await retireKeyById(store, 'k1', {
      clock: { now: () => new Date('2026-12-03T00:00:00Z') },
      timeZone: 'Asia/Baghdad',
    });
    await expect(
      store.replace(serialiseKeyring(parseKeyring(read.value)), read.version),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(parseKeyring(secrets.current(arn) ?? '').keys.map((key) => key.id)).toEqual(['k0', 'k2']);
  });

  it('is what `nashra keys rotate --stage` does, finding the secret from the stacks', async () => {
    const { run } = cliRunner({
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
    });
    const rotated = await run('keys', 'rotate', '--stage', 'test');
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('k3 verifies from now on and signs from');
    expect(parseKeyring(secrets.current(arn) ?? '').keys.map((key) => key.id)).toEqual(['k0', 'k2', 'k3']);
  }, 60_000);
});
