import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createDynamoClient, documentClient } from '../functions/adapters/dynamodb/client';
import { DynamoScheduleRepo } from '../functions/adapters/dynamodb/schedule-repo';
import { ensureTables } from '../functions/adapters/dynamodb/table-admin';
import { createConsoleApp } from '../functions/console/app';
import type { ConsoleEnv } from '../functions/console/console-env';
import { consoleSections } from '../functions/console/sections';
import { HOME_PATH } from '../functions/console/shell';
import { type Issue, issueSchema } from '../functions/core/issue';
import { systemClock } from '../functions/core/ports';
import { addSchedule } from '../functions/core/schedules';
import { alertIssueId } from '../functions/core/send/send-alert';
import { digestIssueId } from '../functions/core/send/send-digest';
import { addStaffAccount } from '../functions/core/staff/accounts';
import type { Subscriber } from '../functions/core/subscriber';
import { outboxSendQuota } from '../functions/local/outbox-quota';
import { openRuntime } from '../functions/runtime/open-runtime';
import { staffParts } from '../functions/runtime/staff';
import { loadConfig } from '../functions/shared/config';
import { putAll, seedSubscribers } from '../tests/support/seed';
import type { ChildEmulator } from './emulators';
import { benchReader } from './fixtures';
import { median, percentile, round } from './stats';

/** Latencies of one page over the timed requests, in milliseconds. */
export interface PageLatency {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ConsoleResult {
  /** The worse of the two pages' p95. */
  p95Ms: number;
  detail: {
    /** How the requests reach the console: the app's own `request` in this process, no socket. */
    via: 'in-process';
    readers: number;
    unsubscribedReaders: number;
    issues: number;
    /** The latest issues that every reader got a delivery record of. */
    deliveredIssues: number;
    deliveries: number;
    seedSeconds: number;
    /** The whole measure: seeding, the local stack started, signing in and every request. */
    totalSeconds: number;
    /** GET /console/overview. */
    overview: PageLatency;
    /** POST /console/readers/find with an exact address, then the reader page it redirects to. */
    readerSearch: PageLatency;
  };
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/**
 * One reader in a hundred left a day ago, as staff record it. The overview reads each issue's
 * `unsubscribedSince` counter, written when a reader leaves, so its cost no longer follows them.
 */
function consoleReader(n: number, runTag: string, now: Date): Subscriber {
  const reader = benchReader(n, runTag);
  if (n % 100 !== 99) return reader;
  const at = new Date(now.getTime() - dayMs).toISOString();
  return {
    ...reader,
    status: 'unsubscribed',
    unsubscribed: { at, method: 'staff', reason: 'bench' },
    updatedAt: at,
  };
}

/**
 * The `i`-th issue back from now, one every twelve hours: four digests of two schedules to one alert,
 * finished, a few mails skipped or failed. The item is the one `createOnce` writes.
 */
function consoleIssue(i: number, now: Date, readers: number): Issue & { listKey: 'issue' } {
  const created = new Date(now.getTime() - hourMs - i * 12 * hourMs).toISOString();
  const failed = i % 7 === 0 ? 3 : 0;
  const skipped = 12;
  const counts = { recipients: readers, sent: readers - skipped - failed, skipped, failed };
  const common = {
    status: failed > 0 ? ('partial' as const) : ('sent' as const),
    variantKeys: ['ar', 'en', 'ar-en', 'en-ar'],
    fannedOut: true,
    fanOutPosition: '',
    ...counts,
    createdAt: created,
    updatedAt: created,
  };
  const schedule = i % 2 === 0 ? 'weekly-digest' : 'daily-digest';
  const issue: Issue =
    i % 5 === 4
      ? {
          ...common,
          id: alertIssueId(`bench-article-${i}`),
          kind: 'alert',
          articleIds: [`bench-article-${i}`],
        }
      : {
          ...common,
          id: digestIssueId(schedule, created),
          kind: 'digest',
          schedule,
          articleIds: [`bench-article-${i}`],
          windowStart: new Date(Date.parse(created) - 7 * dayMs).toISOString(),
          windowEnd: created,
        };
  return { ...issueSchema.parse(issue), listKey: 'issue' };
}

/** Each reader's record of each of `issues`, as the sender leaves it: sent, a few skipped. */
function deliveriesOf(issues: Issue[], readers: Subscriber[], retentionDays: number) {
  return issues.flatMap((issue) =>
    readers.map((reader, n) => {
      const at = new Date(Date.parse(issue.createdAt) + 60_000);
      const skipped = n % 800 === 0;
      return {
        issueId: issue.id,
        subscriberId: reader.id,
        status: skipped ? 'skipped' : 'sent',
        ...(skipped ? { reason: 'suppressed' } : { messageId: `bench-${randomBytes(8).toString('hex')}` }),
        variantKey: reader.languages.join('-'),
        claimedAt: issue.createdAt,
        updatedAt: at.toISOString(),
        expiresAt: Math.floor(at.getTime() / 1000) + retentionDays * 86_400,
      };
    }),
  );
}

/** Seeds the schedules, readers, issues and deliveries straight into the tables (no stream, no mail). */
async function seed(
  env: NodeJS.ProcessEnv,
  options: { readers: number; issues: number; deliveredIssues: number; runTag: string },
) {
  const config = loadConfig(env);
  const client = createDynamoClient(config);
  const now = new Date();
  try {
    await ensureTables(client, config.tables);
    const db = documentClient(client);
    const schedules = new DynamoScheduleRepo(db, config.tables.schedules);
    await addSchedule(
      { name: 'weekly-digest', cron: '0 9 * * 4', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      { schedules, clock: systemClock },
    );
    await addSchedule(
      { name: 'daily-digest', cron: '0 7 * * *', timeZone: 'Asia/Baghdad', cadence: 'daily', topics: [] },
      { schedules, clock: systemClock },
    );
    const readers: Subscriber[] = [];
    for (let n = 0; n < options.readers; n++) readers.push(consoleReader(n, options.runTag, now));
    for (let start = 0; start < readers.length; start += 2000)
      await seedSubscribers(db, config.tables.subscribers, readers.slice(start, start + 2000));
    const issues = Array.from({ length: options.issues }, (_, i) => consoleIssue(i, now, options.readers));
    await putAll(db, config.tables.issues, issues);
    let deliveries = 0;
    for (const issue of issues.slice(0, options.deliveredIssues)) {
      const items = deliveriesOf([issue], readers, config.send.deliveryRetentionDays);
      await putAll(db, config.tables.deliveries, items);
      deliveries += items.length;
    }
    return { readers, deliveries };
  } finally {
    client.destroy();
  }
}

/** A browser's share of the console: its cookies kept and sent back, forms posted from the page's origin. */
class StaffBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: Hono<ConsoleEnv>,
    private readonly origin: string,
  ) {}

  get(path: string): Promise<Response> {
    return this.send(path, { method: 'GET' });
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin },
      body: new URLSearchParams(fields).toString(),
    });
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.request(`${this.origin}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

const csrfOf = (page: string) => {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('the console page has no form with a CSRF token');
  return token;
};

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status)
    throw new Error(
      `${what} answered ${response.status}, not ${status}: ${(await response.text()).slice(0, 300)}`,
    );
  return response;
}

const latencyOf = (samples: number[]): PageLatency => ({
  requests: samples.length,
  p50Ms: round(median(samples)),
  p95Ms: round(percentile(samples, 95)),
  maxMs: round(Math.max(...samples)),
});

/**
 * The staff console's page latency with `readers` readers and `issues` issues in the local stack: the
 * console app built as `nashra dev` builds it (its sections, the outbox's quota) on the local runtime
 * (the stream tap and cognito-local included) against the given emulators, a staff member signed in
 * through the sign-in form, then `requests` timed requests of each page one after the other, as one
 * staff member clicks: the overview, and a reader found by exact address with the reader page the
 * search redirects to. Two untimed requests of each come first (templates compiled, connections open).
 * A page that answers anything but what it should fails the run; the times are only reported.
 */
export async function measureConsole(options: {
  readers: number;
  issues: number;
  deliveredIssues: number;
  requests: number;
  dynalite: ChildEmulator;
  ses: ChildEmulator;
}): Promise<ConsoleResult> {
  const home = mkdtempSync(join(tmpdir(), 'nashra-bench-console-'));
  const runTag = randomBytes(3).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NASHRA_HOME: home,
    NASHRA_TABLE_PREFIX: `console${runTag}-`,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynalite.url,
    AWS_ENDPOINT_URL_SES: options.ses.url,
    NASHRA_LINK_SIGNING_KEY: 'bench-signing-key-0123456789abcdef0123456789',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  try {
    const began = Date.now();
    const { readers, deliveries } = await seed(env, { ...options, runTag });
    const seedSeconds = (Date.now() - began) / 1000;

    const runtime = await openRuntime('local', { env, staff: true });
    try {
      const local = runtime.local;
      if (!local) throw new Error('local mode opened without its stack');
      const app = createConsoleApp(runtime, {
        sections: consoleSections({ quota: outboxSendQuota(local.outbox, runtime.config.timeZone) }),
      });
      const email = `bench-${runTag}@nashra.example`;
      const password = `Bench-horse-${runTag}-battery`;
      await addStaffAccount(staffParts(runtime), { kind: 'cli', name: 'bench' }, { email, password });
      const browser = new StaffBrowser(app, new URL(runtime.config.baseUrl).origin);
      const signInPage = await (await browser.get('/console/sign-in')).text();
      const signedIn = await browser.post('/console/sign-in', { _csrf: csrfOf(signInPage), email, password });
      if (signedIn.status !== 303 || signedIn.headers.get('location') !== HOME_PATH)
        throw new Error(`signing in to the console failed: ${signedIn.status}`);
      const csrf = csrfOf(
        await (await expectStatus(await browser.get(HOME_PATH), 200, 'the overview')).text(),
      );

      const overview = async () => {
        await (await expectStatus(await browser.get(HOME_PATH), 200, 'the overview')).text();
      };
      const search = async (reader: Subscriber) => {
        const found = await expectStatus(
          await browser.post('/console/readers/find', { _csrf: csrf, email: reader.email }),
          303,
          'the reader search',
        );
        const location = found.headers.get('location') ?? '';
        if (!location.endsWith(`/readers/${reader.id}`))
          throw new Error(`the reader search led to ${location}, not the reader's page`);
        await (await expectStatus(await browser.get(location), 200, 'the reader page')).text();
      };
      const timed = async (run: () => Promise<void>) => {
        const start = performance.now();
        await run();
        return performance.now() - start;
      };

      const readerAt = (i: number) => readers[(i * 7919) % readers.length] as Subscriber;
      for (let i = 0; i < 2; i++) {
        await overview();
        await search(readerAt(i + options.requests));
      }
      const overviewMs: number[] = [];
      const searchMs: number[] = [];
      for (let i = 0; i < options.requests; i++) {
        overviewMs.push(await timed(overview));
        searchMs.push(await timed(() => search(readerAt(i))));
      }
      const overviewLatency = latencyOf(overviewMs);
      const searchLatency = latencyOf(searchMs);
      return {
        p95Ms: Math.max(overviewLatency.p95Ms, searchLatency.p95Ms),
        detail: {
          via: 'in-process',
          readers: options.readers,
          unsubscribedReaders: readers.filter((reader) => reader.status === 'unsubscribed').length,
          issues: options.issues,
          deliveredIssues: Math.min(options.deliveredIssues, options.issues),
          deliveries,
          seedSeconds: round(seedSeconds),
          totalSeconds: round((Date.now() - began) / 1000),
          overview: overviewLatency,
          readerSearch: searchLatency,
        },
      };
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
