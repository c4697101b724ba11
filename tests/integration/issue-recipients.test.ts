import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../functions/core/errors';
import { issueSchema } from '../../functions/core/issue';
import { type IssueRecipient, issueRecipients } from '../../functions/core/send/issue-recipients';
import type { Subscriber } from '../../functions/core/subscriber';
import type { Runtime } from '../../functions/runtime/runtime';
import { basraAr, basraEn } from '../fixtures/render-articles';
import { cliRunner } from '../support/cli';
import { suiteConfig, suiteRuntime } from '../support/local-aws';

const config = suiteConfig();
const { run: nashra } = cliRunner({ NASHRA_HOME: config.home, NASHRA_TABLE_PREFIX: config.tablePrefix });
let runtime: Runtime;

/** Noon in Baghdad on 5 March 2026: when the deliveries below were recorded. */
const at = new Date('2026-03-05T09:00:00.000Z');
const issueId = 'weekly-20260305T050000Z';
const alertId = 'alert-held-basra';

const reader = (email: string, status: Subscriber['status'] = 'active'): Subscriber => ({
  id: randomBytes(16).toString('base64url'),
  email,
  status,
  languages: ['en', 'ar'],
  cadence: 'weekly',
  topics: [],
  urgentAlerts: true,
  paused: false,
  consent: { at: '2026-01-01T00:00:00.000Z', method: 'form' },
  linkVersion: 1,
  bounceCount: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const sam = reader('sam@example.org');
const rana = reader('rana@example.org', 'unsubscribed');
const omar = reader('omar@example.org');
const huda = reader('huda@example.org');
const erasedId = 'erased-reader-0000000001';

beforeAll(async () => {
  runtime = await suiteRuntime(config);
  const { repos } = runtime;
  for (const article of [basraAr, basraEn]) await repos.articles.save(article);
  for (const subscriber of [sam, rana, omar, huda]) await repos.subscribers.create(subscriber);
  const issue = (fields: Record<string, unknown>) =>
    issueSchema.parse({ createdAt: at.toISOString(), updatedAt: at.toISOString(), ...fields });
  await repos.issues.createOnce(
    issue({
      id: issueId,
      kind: 'digest',
      schedule: 'weekly',
      articleIds: [basraAr.id, basraEn.id],
      windowStart: '2026-02-26T05:00:00.000Z',
      windowEnd: '2026-03-05T05:00:00.000Z',
      status: 'parked',
      parkedReason: 'ThrottlingException: Daily message quota exceeded.',
      recipients: 6,
      sent: 1,
      skipped: 2,
      failed: 1,
    }),
  );
  await repos.issues.createOnce(
    issue({
      id: alertId,
      kind: 'alert',
      articleIds: [basraAr.id, basraEn.id],
      status: 'held',
      sendAfter: '2026-03-06T04:00:00.000Z',
    }),
  );
  const { deliveries } = repos;
  const key = 'en+ar.abcdefghijklmnop';
  await deliveries.claim(issueId, sam.id, key, at, 60_000);
  await deliveries.markSent(issueId, sam.id, 'ses-0001', at);
  await deliveries.markSkipped(issueId, rana.id, 'status unsubscribed', at);
  await deliveries.claim(issueId, omar.id, key, at, 60_000);
  await deliveries.markFailed(
    issueId,
    omar.id,
    'MessageRejected: Email address is on the suppression list',
    at,
  );
  await deliveries.markParked(issueId, huda.id, key, at);
  await deliveries.markSkipped(issueId, erasedId, 'erased', at);
});
afterAll(() => runtime.close());

describe('the readers of an issue, as staff follow it', { timeout: 300_000 }, () => {
  it('pages through every delivery with its reader and outcome, a bounded page at a time', async () => {
    const listed: IssueRecipient[] = [];
    for await (const recipient of issueRecipients(issueId, runtime.repos, 2)) listed.push(recipient);
    expect(listed).toHaveLength(5);
    const byStatus = (status: string) => listed.filter((recipient) => recipient.status === status);
    expect(byStatus('sent')).toEqual([
      {
        subscriberId: sam.id,
        email: 'sam@example.org',
        status: 'sent',
        variant: 'en+ar',
        messageId: 'ses-0001',
        at: at.toISOString(),
      },
    ]);
    expect(byStatus('skipped')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'rana@example.org', reason: 'status unsubscribed' }),
        { subscriberId: erasedId, status: 'skipped', reason: 'erased', at: at.toISOString() },
      ]),
    );
    expect(byStatus('failed')).toEqual([
      expect.objectContaining({
        email: 'omar@example.org',
        reason: expect.stringMatching(/^MessageRejected/),
      }),
    ]);
    expect(byStatus('parked')).toEqual([
      expect.objectContaining({ email: 'huda@example.org', variant: 'en+ar' }),
    ]);

    const first = await runtime.repos.deliveries.pageForIssue(issueId, { limit: 2 });
    expect(first.deliveries).toHaveLength(2);
    await expect(
      runtime.repos.deliveries.pageForIssue(alertId, { cursor: first.cursor, limit: 2 }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      runtime.repos.deliveries.pageForIssue(issueId, { cursor: 'bm90LWEtY3Vyc29y', limit: 2 }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('`issues show --recipients` names the articles and each reader’s outcome; `issues list` names a held alert’s article', async () => {
    const shown = await nashra('issues', 'show', issueId, '--recipients');
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'issue weekly-20260305T050000Z (digest, schedule weekly): parked',
        '  parked     ThrottlingException: Daily message quota exceeded. (once the cause is fixed: nashra digest resume weekly-20260305T050000Z)',
        '  window     2026-02-26 08:00 Baghdad → 2026-03-05 08:00 Baghdad',
        `    ar  ${basraAr.title}  (${basraAr.id})`,
        `    en  ${basraEn.title}  (${basraEn.id})`,
        '  recipients 6  sent 1  skipped 2  failed 1',
        '    sent     sam@example.org  en+ar  2026-03-05 12:00 Baghdad  message ses-0001',
        '    skipped  rana@example.org  —  2026-03-05 12:00 Baghdad  why: status unsubscribed',
        '    failed   omar@example.org  en+ar  2026-03-05 12:00 Baghdad  why: MessageRejected: Email address is on the suppression list',
        '    parked   huda@example.org  en+ar  2026-03-05 12:00 Baghdad  held back by the daily quota (nashra digest resume)',
        `    skipped  reader ${erasedId} (erased since)  —  2026-03-05 12:00 Baghdad  why: erased`,
        '    (1 more queued, with no outcome yet)',
      ]),
    );

    const listed = await nashra('issues', 'list');
    const held = listed.stdout.split('\n');
    const line = held.findIndex((text) => text.includes(alertId));
    expect(held[line]).toMatch(/ alert +held +until 2026-03-06 07:00 Baghdad$/);
    expect(held[line + 1]).toBe(`    ar  ${basraAr.title}  (${basraAr.id})`);
  });
});
