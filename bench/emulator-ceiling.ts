import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDynamoClient,
  createSendPathDynamoClient,
  documentClient,
} from '../functions/adapters/dynamodb/client';
import { DynamoDeliveryRepo } from '../functions/adapters/dynamodb/delivery-repo';
import { ensureTables } from '../functions/adapters/dynamodb/table-admin';
import { MjmlRenderer } from '../functions/adapters/mjml-renderer';
import { createSesClient, SesMailer } from '../functions/adapters/ses-mailer';
import { LinkSigner, subscriberLinks } from '../functions/core/link-token';
import { variantHeaders } from '../functions/core/mail/mail-one-reader';
import { MimeTemplate } from '../functions/core/mail/mime-template';
import { dynamoStreamTap } from '../functions/local/dynamodb-stream-tap';
import type { RunningService } from '../functions/local/emulators';
import { startServiceTap } from '../functions/local/service-tap';
import { sesOutboxTap } from '../functions/local/ses-outbox-tap';
import { createMailRenderer } from '../functions/render/render-mail';
import { loadConfig } from '../functions/shared/config';
import { type ChildEmulator, clearSesStore } from './emulators';
import { benchReader, fixtureWindow, smallDigestArticles } from './fixtures';
import { round } from './stats';

export interface Ceiling {
  /** Mails per second the emulator took with nothing else running. */
  mailsPerSecond: number;
  /** CPU the emulator's process used per mail, in milliseconds. */
  emulatorCpuMsPerMail: number;
  /** CPU this process (the SDK client, and the local tap when `viaTap`) used per mail, in milliseconds. */
  clientCpuMsPerMail: number;
  mails: number;
  concurrency: number;
  /** Whether the calls went through nashra's local-mode tap (as in the end-to-end run) or straight in. */
  viaTap: boolean;
}

/** Runs `work` `count` times with `concurrency` workers; returns wall and CPU time. */
async function drive(
  count: number,
  concurrency: number,
  emulator: ChildEmulator,
  work: (n: number) => Promise<void>,
): Promise<{ seconds: number; clientCpu: number; emulatorCpu: number }> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const emulatorBefore = emulator.cpuSeconds();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds,
    clientCpu: (cpu.user + cpu.system) / 1e6,
    emulatorCpu: emulator.cpuSeconds() - emulatorBefore,
  };
}

function ceilingOf(
  mails: number,
  concurrency: number,
  viaTap: boolean,
  run: { seconds: number; clientCpu: number; emulatorCpu: number },
): Ceiling {
  return {
    mailsPerSecond: round(mails / run.seconds),
    emulatorCpuMsPerMail: round((run.emulatorCpu * 1000) / mails, 2),
    clientCpuMsPerMail: round((run.clientCpu * 1000) / mails, 2),
    mails,
    concurrency,
    viaTap,
  };
}

async function maybeTap(
  upstream: string,
  viaTap: boolean,
  tap: () => Parameters<typeof startServiceTap>[0]['tap'],
) {
  const service: RunningService | undefined = viaTap
    ? await startServiceTap({ port: 0, upstream, tap: tap() })
    : undefined;
  return { url: service?.url ?? upstream, close: () => service?.close() };
}

/**
 * dynalite alone, doing what the sender does per mail: the conditional claim (PutItem) and the mark
 * (UpdateItem), through the same repository and SDK client.
 */
export async function measureDynamoCeiling(options: {
  dynalite: ChildEmulator;
  mails: number;
  concurrency: number;
  viaTap: boolean;
}): Promise<Ceiling> {
  const endpoint = await maybeTap(options.dynalite.url, options.viaTap, () =>
    dynamoStreamTap({ upstream: options.dynalite.url, region: 'eu-west-1', emit: () => undefined }),
  );
  const home = mkdtempSync(join(tmpdir(), 'nashra-bench-ceiling-'));
  const config = loadConfig({
    NASHRA_HOME: home,
    NASHRA_TABLE_PREFIX: `ceiling${Date.now().toString(36)}-`,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint.url,
    NASHRA_LINK_SIGNING_KEY: 'bench-signing-key-0123456789abcdef0123456789',
  });
  const client = createDynamoClient(config);
  const sendPath = createSendPathDynamoClient(config);
  try {
    await ensureTables(client, config.tables);
    const deliveries = new DynamoDeliveryRepo(
      documentClient(client),
      () => sendPath,
      config.tables.deliveries,
      config.send.deliveryRetentionDays,
    );
    const issueId = `ceiling-${Date.now()}`;
    const one = async (n: number) => {
      const subscriberId = `s${n.toString(16).padStart(16, '0')}`;
      const claim = await deliveries.claim(issueId, subscriberId, 'en.variant', new Date(), 120_000);
      if (claim !== 'claimed') throw new Error(`claim ${n}: ${claim}`);
      await deliveries.markSent(issueId, subscriberId, `message-${n}`, new Date());
    };
    for (let n = 0; n < 50; n++) await one(options.mails + n);
    const run = await drive(options.mails, options.concurrency, options.dynalite, one);
    return ceilingOf(options.mails, options.concurrency, options.viaTap, run);
  } finally {
    client.destroy();
    sendPath.destroy();
    await endpoint.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** One real digest-sized message (the end-to-end run's digest, bilingual variant), built as the sender builds it. */
export async function digestSizedMessage(): Promise<Buffer> {
  const renderer = createMailRenderer({
    compiler: new MjmlRenderer(),
    baseUrl: 'https://bulletin.nashra.example',
    timeZone: 'Asia/Baghdad',
  });
  const compiled = await renderer.renderDigest({
    issueId: 'ceiling',
    variant: 'ar+en',
    articles: smallDigestArticles,
    window: fixtureWindow,
  });
  const template = await MimeTemplate.build(
    compiled,
    variantHeaders(
      compiled,
      {
        from: 'Nashra <bulletin@nashra.example>',
        listId: 'bulletin.nashra.example',
        unsubscribeMailto: 'unsubscribe@nashra.example',
      },
      'ceiling:digest:nashra',
    ),
  );
  const reader = benchReader(2, 'ceiling');
  const links = subscriberLinks(
    new LinkSigner('bench-signing-key-0123456789abcdef0123456789'),
    'https://bulletin.nashra.example',
    reader,
    new Date(),
  );
  return template.forReader(reader.email, links, new Date());
}

/** The SES emulator alone taking SendRawEmail with a digest-sized message, through the sender's mailer. */
export async function measureSesCeiling(options: {
  ses: ChildEmulator;
  raw: Buffer;
  mails: number;
  concurrency: number;
  viaTap: boolean;
}): Promise<Ceiling> {
  const home = mkdtempSync(join(tmpdir(), 'nashra-bench-ceiling-'));
  const endpoint = await maybeTap(options.ses.url, options.viaTap, () => sesOutboxTap(join(home, 'outbox')));
  const config = loadConfig({
    NASHRA_HOME: home,
    AWS_ENDPOINT_URL_SES: endpoint.url,
    NASHRA_LINK_SIGNING_KEY: 'bench-signing-key-0123456789abcdef0123456789',
  });
  const ses = createSesClient(config);
  const mailer = new SesMailer(ses, config.mail.configurationSet);
  try {
    const one = async (n: number) => {
      await mailer.sendRaw({
        from: config.mail.from,
        to: `reader-ceiling-${n}@bench.example.org`,
        raw: options.raw,
        tags: { issue: 'ceiling', kind: 'digest' },
      });
      if (n % 500 === 499) await clearSesStore(options.ses.url);
    };
    for (let n = 0; n < 20; n++) await one(n);
    const run = await drive(options.mails, options.concurrency, options.ses, one);
    await clearSesStore(options.ses.url);
    return ceilingOf(options.mails, options.concurrency, options.viaTap, run);
  } finally {
    ses.destroy();
    await endpoint.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The floor under the sender's own CPU: its three AWS calls a mail and nothing else — the claim and the
 * mark through its delivery repository, `SendRawEmail` of the digest-sized mail through its mailer,
 * straight to the emulators — as client CPU per mail, at `inFlight` calls at a time each (after a round
 * to warm up), and the least of them.
 */
export interface SdkCallsFloor {
  msPerMail: number;
  byCallsInFlight: Record<string, number>;
}

export async function measureSdkCallsFloor(options: {
  dynalite: ChildEmulator;
  ses: ChildEmulator;
  raw: Buffer;
  mails: number;
  inFlight: number[];
}): Promise<SdkCallsFloor> {
  const perMail = async (concurrency: number) => {
    const claimAndMark = await measureDynamoCeiling({ ...options, concurrency, viaTap: false });
    const send = await measureSesCeiling({ ...options, concurrency, viaTap: false });
    return round(claimAndMark.clientCpuMsPerMail + send.clientCpuMsPerMail, 2);
  };
  await perMail(options.inFlight[0] ?? 10);
  const byCallsInFlight: Record<string, number> = {};
  for (const concurrency of options.inFlight) byCallsInFlight[concurrency] = await perMail(concurrency);
  return { msPerMail: Math.min(...Object.values(byCallsInFlight)), byCallsInFlight };
}
