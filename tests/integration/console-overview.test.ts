import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesAccountClient, sesSendQuota } from '../../functions/adapters/ses-account';
import { consoleSections } from '../../functions/console/sections';
import { type Issue, untouchedIssue } from '../../functions/core/issue';
import type { Subscriber } from '../../functions/core/subscriber';
import { eraseReader, unsubscribeReader } from '../../functions/core/subscribers/staff';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { startSesAccountStandIn } from '../support/aws-stand-ins/sesv2';
import { type SignedInStaff, signInToConsole } from '../support/console-harness';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, type TestStack } from '../support/test-stack';

// Tuesday 1 December 2026; each test moves the clock on by hand.
let current = Date.parse('2026-12-01T09:00:00.000Z');
const clock = { now: () => new Date(current) };
const hours = (count: number) => count * 3_600_000;
const at = (ms: number) => new Date(ms);

let t: TestStack;
let services: ReaderParts;
let readerApp: Hono<ReaderEnv>;
let ip = 0;

beforeAll(async () => {
  t = await openTestStack({ NASHRA_BASE_URL: 'https://nashra.example' }, { clock, staff: true });
  services = readerParts(t.runtime);
  readerApp = createApp(t.runtime);
});
afterAll(() => t?.close());

/** A sent digest, created `ago` before now, unless `changes` say otherwise. */
async function issue(name: string, ago = hours(3), changes: Partial<Issue> = {}): Promise<Issue> {
  const created = new Date(current - ago).toISOString();
  const { issue } = await t.services.issues.createOnce({
    ...untouchedIssue(created),
    id: `${name}-${current}`,
    kind: 'digest',
    schedule: 'weekly',
    articleIds: ['water-en'],
    status: 'sent',
    fannedOut: true,
    recipients: 2,
    sent: 2,
    ...changes,
  });
  return issue;
}

/** What the sender leaves for one reader's mail of one issue: its claim, then the outcome, at `when`. */
async function mailed(issue: Issue, to: Subscriber, when: Date, outcome: 'sent' | 'skipped' = 'sent') {
  const { deliveries } = t.services;
  expect(await deliveries.claim(issue.id, to.id, 'en', when, 60_000)).toBe('claimed');
  if (outcome === 'sent') await deliveries.markSent(issue.id, to.id, `m-${issue.id}-${to.id}`, when);
  else await deliveries.markSkipped(issue.id, to.id, 'paused', when);
}

async function readers(count: number): Promise<Subscriber[]> {
  const made = Array.from({ length: count }, () => reader());
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, made);
  return made;
}

/** A staff member signed in now (the tests move the clock past an idle session's end). */
const signedIn = (): Promise<SignedInStaff> => signInToConsole(t.runtime, consoleSections());

const counted = async (...issues: Issue[]) =>
  Promise.all(issues.map(async (one) => (await t.services.issues.get(one.id))?.unsubscribedSince ?? 0));

/** The reader's own one-click unsubscribe, as a mail client POSTs it (RFC 8058). */
async function leaveByLink(who: Subscriber): Promise<Response> {
  const stored = (await services.subscribers.get(who.id)) as Subscriber;
  const token = services.signer.sign(
    { subscriberId: who.id, purpose: 'unsubscribe', linkVersion: stored.linkVersion },
    clock.now(),
  );
  ip += 1;
  return readerApp.request(
    `/unsubscribe/${token}`,
    { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) },
    { incoming: { socket: { remoteAddress: `198.51.100.${ip}` } } },
  );
}

describe('readers who unsubscribed since an issue', () => {
  it('counts a reader who leaves by their link once on each issue that reached them, however often they click', async () => {
    const [leaver, stayer] = await readers(2);
    if (!leaver || !stayer) throw new Error('no readers');
    const [first, second, notTheirs, skipped] = await Promise.all(
      ['first', 'second', 'not-theirs', 'skipped'].map((name) => issue(name)),
    );
    if (!first || !second || !notTheirs || !skipped) throw new Error('no issues');
    const sentAt = at(current - hours(2));
    await mailed(first, leaver, sentAt);
    await mailed(second, leaver, sentAt);
    await mailed(notTheirs, stayer, sentAt);
    await mailed(skipped, leaver, sentAt, 'skipped');

    expect((await leaveByLink(leaver)).status).toBe(200);
    expect(await services.subscribers.get(leaver.id)).toMatchObject({ status: 'unsubscribed' });
    expect(await counted(first, second, notTheirs, skipped)).toEqual([1, 1, 0, 0]);

    current += hours(1);
    expect((await leaveByLink(leaver)).status).toBe(200);
    expect(await counted(first, second, notTheirs, skipped)).toEqual([1, 1, 0, 0]);

    // Erasure is no unsubscribe: it counts nothing, and the count of a reader who left stays.
    expect(await eraseReader(leaver.email, services)).toMatchObject({ deliveries: 3 });
    expect(await eraseReader(stayer.email, services)).toMatchObject({ deliveries: 1 });
    expect(await counted(first, second, notTheirs, skipped)).toEqual([1, 1, 0, 0]);
  });

  it('counts a reader staff unsubscribe, from the CLI’s use case or the console, once each', async () => {
    const [byCli, byConsole] = await readers(2);
    if (!byCli || !byConsole) throw new Error('no readers');
    const weekly = await issue('staff-weekly');
    await mailed(weekly, byCli, at(current - hours(2)));
    await mailed(weekly, byConsole, at(current - hours(2)));

    expect(await unsubscribeReader(byCli.email, 'asked by phone', services)).toMatchObject({ changed: true });
    expect(await unsubscribeReader(byCli.email, 'asked again', services)).toMatchObject({ changed: false });
    expect(await counted(weekly)).toEqual([1]);

    const staff = await signedIn();
    const left = await staff.post(`/readers/${byConsole.id}/unsubscribe`, { reason: 'asked by letter' });
    expect(left.status).toBe(303);
    await staff.post(`/readers/${byConsole.id}/unsubscribe`, { reason: 'asked by letter' });
    expect(await counted(weekly)).toEqual([2]);
  });

  it('counts a reader who comes back and leaves again only on the issues sent to them since they came back', async () => {
    const [returning] = await readers(1);
    if (!returning) throw new Error('no reader');
    const before = await issue('before-return');
    await mailed(before, returning, at(current - hours(2)));
    await leaveByLink(returning);
    expect(await counted(before)).toEqual([1]);

    current += hours(1);
    const stored = (await services.subscribers.get(returning.id)) as Subscriber;
    const token = services.signer.sign(
      { subscriberId: returning.id, purpose: 'unsubscribe', linkVersion: stored.linkVersion },
      clock.now(),
    );
    const back = await readerApp.request(
      `/resubscribe/${token}`,
      { method: 'POST', body: new URLSearchParams() },
      { incoming: { socket: { remoteAddress: '198.51.100.250' } } },
    );
    expect(back.status).toBe(200);
    expect(await services.subscribers.get(returning.id)).toMatchObject({ status: 'active' });

    current += hours(1);
    const since = await issue('since-return', 0);
    await mailed(since, returning, clock.now());
    current += hours(1);
    await leaveByLink(returning);
    expect(await counted(before, since)).toEqual([1, 1]);
  });

  it('shows the counter on the overview and on the issue page', async () => {
    const [one, two] = await readers(2);
    if (!one || !two) throw new Error('no readers');
    const shown = await issue('shown', hours(1));
    await mailed(shown, one, at(current - hours(1) + 60_000));
    await mailed(shown, two, at(current - hours(1) + 60_000));
    await leaveByLink(one);
    await leaveByLink(two);

    const lastCount = (page: string) =>
      new RegExp(
        `${shown.id}</span></a></td>(?:<td>[^<]*</td>|<td><time[^>]*>[^<]*</time></td>){3}(?:<td>\\d+</td>){6}<td>(\\d+)</td>`,
      ).exec(page)?.[1];
    const staff = await signedIn();
    const overview = await (await staff.get('/overview')).text();
    expect(lastCount(overview)).toBe('2');

    const page = await (await staff.get(`/issues/${shown.id}`)).text();
    expect(page).toMatch(
      /<th scope="col">Unsubscribed since<\/th><\/tr><\/thead><tbody><tr>(?:<td>\d+<\/td>){6}<td>2<\/td><\/tr>/,
    );
  });
});

describe('what the overview asks staff to see to', () => {
  it('lists the held, parked and failing issues of the last 30 days, and no others', async () => {
    const days = (count: number) => hours(24 * count);
    const held = await issue('held-alert', hours(1), {
      kind: 'alert',
      status: 'held',
      sendAfter: new Date(current + hours(5)).toISOString(),
      fannedOut: false,
      recipients: 0,
      sent: 0,
    });
    const parked = await issue('parked', days(2), { status: 'parked', sent: 1 });
    const failing = await issue('failing', days(3), { status: 'partial', sent: 0, failed: 2 });
    const fine = await issue('fine', days(4));
    const oldParked = await issue('old-parked', days(31), { status: 'parked', sent: 1 });
    const oldFailing = await issue('old-failing', days(40), { status: 'partial', sent: 1, failed: 1 });

    const page = await (await (await signedIn()).get('/overview')).text();
    const section = (heading: string) =>
      new RegExp(`<section aria-labelledby="${heading}">([\\s\\S]*?)</section>`).exec(page)?.[1] ?? '';
    expect(section('held-heading')).toContain(held.id);
    expect(section('parked-heading')).toContain(parked.id);
    expect(section('parked-heading')).not.toContain(oldParked.id);
    expect(section('dead-heading')).toContain('2 mails failed for good in the last 30 days.');
    expect(section('dead-heading')).toContain(`${failing.id}</span></a>: 2`);
    for (const other of [fine, oldFailing, held, parked])
      expect(section('dead-heading')).not.toContain(other.id);
  });
});

describe('the sending quota on a stage', () => {
  it("shows SES's own count of the last 24 hours against the account's daily quota (SES v2 GetAccount)", async () => {
    const ses = await startSesAccountStandIn({ productionAccess: true, identities: [] });
    const client = createSesAccountClient({
      region: 'eu-west-1',
      endpoint: ses.url,
      credentials: { accessKeyId: 'staff', secretAccessKey: 'staff' },
      maxAttempts: 1,
    });
    try {
      const quota = sesSendQuota(client);
      expect(await quota.used(clock.now())).toEqual({ sent: 0, max: 200, period: 'last-24-hours' });
      const staff = await signInToConsole(t.runtime, consoleSections({ quota }));
      const overview = await (await staff.get('/overview')).text();
      expect(overview).toContain('0 of 200 mails allowed sent in the last 24 hours.');
      expect(overview).not.toContain('The quota is not known here.');
    } finally {
      client.destroy();
      await ses.close();
    }
  });
});
