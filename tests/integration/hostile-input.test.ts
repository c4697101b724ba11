import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import type { FeedReport } from '../../functions/core/ingest/ingest-feed';
import { LinkSigner } from '../../functions/core/link-token';
import type { Subscriber } from '../../functions/core/subscriber';
import { createApp } from '../../functions/http/app';
import { ingestRoutes } from '../../functions/http/ingest-routes';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type IngestParts, ingestParts } from '../../functions/runtime/ingesting';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { type HostileFeed, hostileFeeds } from '../fixtures/hostile/feeds';
import { type HostileRequest, hostileBursts, hostileRequests } from '../fixtures/hostile/http';
import { hostileTokens, type TokenContext } from '../fixtures/hostile/tokens';
import { cliRunner } from '../support/cli';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

const base = 'https://nashra.example';
const ingestKey = 'hostile-ingest-key-0123456789abcdef';
const signingKey = 'test-signing-key-0123456789abcdef0123456789';
const maxFeedBytes = String(12 * 1024 * 1024);
const now = new Date('2026-11-02T09:00:00.000Z');

let t: TestStack;
let subscribers: ReaderParts;
let ingest: IngestParts;
let app: Hono<ReaderEnv>;
let standing: Subscriber;
let client = 0;

beforeAll(async () => {
  t = await openTestStack({
    NASHRA_BASE_URL: base,
    NASHRA_INGEST_KEY: ingestKey,
    NASHRA_FEED_MAX_BYTES: maxFeedBytes,
  });
  const runtime = t.withClock({ now: () => now });
  subscribers = readerParts(runtime);
  ingest = ingestParts(runtime);
  app = createApp(runtime, { ingest: ingestRoutes(runtime) });
  // A reader every token and preferences case aims at: pending, so a genuine confirm, unsubscribe
  // or preferences POST would change it; link version 2, so version 1 is a revoked one.
  standing = reader({ email: 'standing-reader@example.org', status: 'pending', linkVersion: 2 });
  await subscribers.subscribers.create(standing);
}, 60_000);
afterAll(() => t?.close());

/** Each request from a client address of its own unless one is given. */
const send = (path: string, init: RequestInit, ip = `203.0.113.${(++client % 250) + 1}`) =>
  app.request(path, init, { incoming: { socket: { remoteAddress: ip } } });

async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** What a hostile request must not change: every subscriber and claim, and every mail sent. */
async function readerState() {
  const items = await scanAll(t.stack.config.tables.subscribers);
  return {
    subscribers: items.map((item) => JSON.stringify(item)).sort(),
    outbox: readdirSync(t.stack.outbox).sort(),
  };
}

const articleCount = async () => (await scanAll(t.stack.config.tables.articles)).length;

const bytesOf = (input: HostileFeed['input']) =>
  typeof input === 'string' ? new TextEncoder().encode(input) : input();

/** The texts of an article a `never` pattern must not find. */
const textsOf = (article: Article) =>
  [
    article.title,
    article.author,
    article.source,
    article.summary,
    article.bodyHtml,
    article.url,
    article.imageUrl,
  ]
    .filter((value): value is string => typeof value === 'string')
    .join(' ');

async function expectCleanArticle(id: string | undefined, expected: HostileFeed['expect']['article']) {
  const article = id ? await ingest.articles.get(id) : undefined;
  expect(article).toBeDefined();
  if (!article || !expected) return;
  if (expected.title !== undefined) expect(article.title).toBe(expected.title);
  for (const pattern of expected.never ?? []) expect(textsOf(article)).not.toMatch(pattern);
  for (const kept of expected.bodyKeeps ?? []) expect(article.bodyHtml).toContain(kept);
}

describe('hostile feeds through POST /api/articles', () => {
  it.each(hostileFeeds)('$name → $expect.status', async ({ input, contentType, expect: expected }) => {
    const before = await articleCount();
    const response = await send('/api/articles', {
      method: 'POST',
      body: bytesOf(input),
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': contentType ?? 'application/json' },
    });
    const answer = await response.text();
    expect({ status: response.status, answer: answer.slice(0, 600) }).toMatchObject({
      status: expected.status,
    });
    expect(answer).toMatch(expected.message);
    expect(await articleCount()).toBe(before + expected.stored);
    if (expected.stored > 0) {
      const report = JSON.parse(answer) as FeedReport;
      await expectCleanArticle(report.created[0], expected.article);
    }
  });

  it('refuses a hostile feed without the ingest key (401) and stores nothing', async () => {
    const before = await articleCount();
    for (const authorization of ['', 'Bearer wrong', `Bearer ${ingestKey}x`, `Basic ${ingestKey}`]) {
      const response = await send('/api/articles', {
        method: 'POST',
        body: hostileFeeds[0]?.input as string,
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
    }
    expect(await articleCount()).toBe(before);
  });
});

describe('hostile feeds through nashra ingest', () => {
  it('gives every case the same outcome as the API, in one run of the command', async () => {
    const { env, run } = cliRunner({ NASHRA_FEED_MAX_BYTES: maxFeedBytes });
    const files = hostileFeeds.map((feed, index) => {
      const file = join(env.NASHRA_HOME as string, `case-${index}.${feed.contentType ? 'xml' : 'json'}`);
      writeFileSync(file, bytesOf(feed.input));
      return file;
    });
    const result = await run('ingest', '--json', '--lang', 'en', ...files);
    expect(result.code).toBe(1);
    const reports = JSON.parse(result.stdout) as FeedReport[];
    expect(reports).toHaveLength(hostileFeeds.length);
    hostileFeeds.forEach((feed, index) => {
      const report = reports[index] as FeedReport;
      const outcome = { name: feed.name, report: JSON.stringify(report).slice(0, 600) };
      expect(outcome.report, outcome.name).toMatch(feed.expect.message);
      expect(report.created.length, outcome.name).toBe(feed.expect.stored);
      expect(report.error === undefined && report.rejected.length === 0, outcome.name).toBe(
        feed.expect.status === 200,
      );
    });
    expect(result.stderr).toMatch(/item\(s\) rejected, \d+ feed\(s\) not ingested/);
  }, 120_000);
});

describe('hostile requests to the reader routes', () => {
  const tokens = () => ({
    preferences: subscribers.signer.sign(
      { subscriberId: standing.id, purpose: 'preferences', linkVersion: 2 },
      now,
    ),
    confirm: subscribers.signer.sign({ subscriberId: standing.id, purpose: 'confirm', linkVersion: 2 }, now),
    unsubscribe: subscribers.signer.sign(
      { subscriberId: standing.id, purpose: 'unsubscribe', linkVersion: 2 },
      now,
    ),
  });

  const bodyOf = (body: HostileRequest['body']) => (typeof body === 'function' ? body() : body);

  it.each(hostileRequests)(
    '$name → $expect.status',
    async ({ method, path, contentType, body, expect: expected }) => {
      const before = await readerState();
      const filled = path.replace(
        /\{\{(\w+)\}\}/g,
        (_, name: keyof ReturnType<typeof tokens>) => tokens()[name],
      );
      const response = await send(filled, {
        method,
        body: bodyOf(body),
        headers: contentType ? { 'content-type': contentType } : {},
      });
      expect(response.status).toBe(expected.status);
      expect(await response.text()).toMatch(expected.message);
      expect(await readerState()).toEqual(before);
    },
  );

  it.each(hostileBursts)('$name', async ({ requests, addresses, clients, expect: expected }) => {
    const tag = `burst${++client}`;
    const address = (index: number) => `${tag}-${index % addresses}@example.org`;
    const ip = (index: number) =>
      clients === 'v6'
        ? `2001:db8:${client}:7::${index + 1}`
        : `198.18.${client % 250}.${(index % clients) + 1}`;
    const statuses: number[] = [];
    for (let index = 0; index < requests; index++) {
      const response = await send(
        '/subscribe',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: address(index), languages: 'en', cadence: 'weekly' }),
        },
        ip(index),
      );
      statuses.push(response.status);
    }
    const held = (await scanAll(t.stack.config.tables.subscribers)).filter(
      (item) => item.kind === 'subscriber' && String(item.email).startsWith(`${tag}-`),
    );
    const mails = (await readOutbox(t.stack)).filter((mail) => mail.to.startsWith(`${tag}-`));
    expect({
      accepted: statuses.filter((status) => status === 202).length,
      limited: statuses.filter((status) => status === 429).length,
      readers: held.length,
      mails: mails.length,
    }).toEqual(expected);
  });
});

describe('hostile link tokens', () => {
  const context = (): TokenContext => ({
    signer: subscribers.signer,
    otherSigner: new LinkSigner('another-deployment-key-0123456789abcdef'),
    key: signingKey,
    reader: { id: standing.id, linkVersion: standing.linkVersion },
    now,
  });

  it.each(hostileTokens)(
    '$name → $expect.verify, $expect.status',
    async ({ purpose, token, expect: expected }) => {
      const value = token(context());
      const verified = (() => {
        try {
          subscribers.signer.verify(value, purpose, now);
          return 'genuine';
        } catch (error) {
          return (error as Error).name;
        }
      })();
      expect(verified).toBe(expected.verify);

      const before = await readerState();
      const path = `/${purpose}/${value}`;
      const get = await send(path, { method: 'GET' });
      expect(get.status).toBe(expected.status);
      const post = await send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: purpose === 'preferences' ? 'languages=ar&cadence=daily' : 'List-Unsubscribe=One-Click',
      });
      expect(post.status).toBe(expected.status);
      expect(await readerState()).toEqual(before);
    },
  );
});
