import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { outcomeOf } from '../../functions/core/issue-report';
import type { ArticleRepo, Delivery } from '../../functions/core/ports';
import { findArticles } from '../../functions/core/staff-articles';
import type { Subscriber } from '../../functions/core/subscriber';
import { countLeaving } from '../../functions/core/subscribers/leaving';
import {
  type LinkedReader,
  type ReaderDeps,
  unsubscribe,
} from '../../functions/core/subscribers/reader-flows';
import { outboxSendQuota } from '../../functions/local/outbox-quota';
import { noteViews } from '../../functions/render/render-mail';

const now = new Date('2026-12-01T09:00:00.000Z');
const clock = { now: () => now };

const article = (id: string, changes: Partial<Article>): Article => ({
  id,
  lang: 'en',
  title: id,
  summary: '',
  bodyHtml: '',
  url: `https://icssi.example/${id}`,
  topics: [],
  publishedAt: '2026-11-30T09:00:00.000Z',
  urgent: false,
  firstSeenAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
  ...changes,
});

/** The articles table for a search: what listPublished returns for the span and language asked. */
function articlesOf(list: Article[]): ArticleRepo {
  return {
    listPublished: async (query: { lang?: 'ar' | 'en'; since?: string }) =>
      list
        .filter(
          (a) => (!query.lang || a.lang === query.lang) && (!query.since || a.publishedAt >= query.since),
        )
        .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)),
  } as ArticleRepo;
}

describe('finding articles', () => {
  it('matches every word in the title, summary, id or URL, ignoring case, accents and tashkeel', async () => {
    const repo = articlesOf([
      article('a', { title: 'Café forum in Basra' }),
      article('b', { lang: 'ar', title: 'بَيَانٌ عن المياه', url: 'https://ar.icssi.example/water-statement' }),
      article('c', { title: 'Old water news', publishedAt: '2026-01-01T00:00:00.000Z' }),
      article('d', { summary: 'WATER and Basra' }),
    ]);
    const ids = async (text: string, extra = {}) =>
      (await findArticles({ text, limit: 10, ...extra }, { articles: repo, clock })).articles.map(
        (a) => a.id,
      );
    expect(await ids('cafe basra')).toEqual(['a']);
    expect(await ids('بيان')).toEqual(['b']);
    expect(await ids('water')).toEqual(['b', 'd']);
    expect(await ids('water', { since: '2025-01-01T00:00:00.000Z' })).toEqual(['b', 'd', 'c']);
    expect(await ids('', { lang: 'ar' })).toEqual(['b']);
    const limited = await findArticles({ text: '', limit: 2 }, { articles: repo, clock });
    expect(limited.more).toBe(true);
  });
});

const delivery = (changes: Partial<Delivery>): Delivery => ({
  issueId: 'weekly-1',
  subscriberId: 'r1',
  status: 'sent',
  updatedAt: '2026-11-26T06:01:00.000Z',
  ...changes,
});

describe('what became of a recipient’s mail', () => {
  it('is the feedback SES sent about a mail that went, else the delivery’s own outcome', () => {
    expect(outcomeOf(delivery({}))).toEqual({ outcome: 'sent', at: '2026-11-26T06:01:00.000Z' });
    expect(outcomeOf(delivery({ status: 'skipped', reason: 'unsubscribed' }))).toMatchObject({
      outcome: 'skipped',
      reason: 'unsubscribed',
    });
    expect(
      outcomeOf(
        delivery({
          feedback: 'bounced',
          feedbackDetail: 'Permanent/General',
          feedbackAt: '2026-11-26T06:05:00.000Z',
        }),
      ),
    ).toEqual({ outcome: 'bounced', reason: 'Permanent/General', at: '2026-11-26T06:05:00.000Z' });
  });
});

describe('counting a reader who left on the issues that reached them', () => {
  const leaver = (changes: Partial<Subscriber> = {}): Subscriber =>
    ({
      id: 'r1',
      email: 'r1@example.org',
      status: 'unsubscribed',
      consent: { at: '2026-11-01T00:00:00.000Z', method: 'confirm' },
      updatedAt: '2026-11-28T00:00:00.000Z',
      ...changes,
    }) as Subscriber;

  /** The issues table's counters, as addUnsubscribedSince keeps them; `gone` issues do not exist. */
  function counters(gone: string[] = []) {
    const counts = new Map<string, number>();
    return {
      counts,
      addUnsubscribedSince: async (id: string) => {
        if (gone.includes(id)) return false;
        counts.set(id, (counts.get(id) ?? 0) + 1);
        return true;
      },
    };
  }

  it('adds one to each issue whose mail reached them in this subscription, before they left', async () => {
    const issues = counters(['weekly-gone']);
    const deliveries = [
      delivery({ issueId: 'weekly-1' }),
      delivery({ issueId: 'alert-1', updatedAt: '2026-11-27T23:59:59.000Z' }),
      delivery({ issueId: 'weekly-skipped', status: 'skipped', reason: 'paused' }),
      delivery({ issueId: 'weekly-failed', status: 'failed' }),
      delivery({ issueId: 'weekly-bounced', feedback: 'bounced' }),
      delivery({ issueId: 'weekly-complained', feedback: 'complained' }),
      // Sent before this subscription began: counted when they left the last time.
      delivery({ issueId: 'weekly-old', updatedAt: '2026-10-20T06:00:00.000Z' }),
      // A send in flight as they left, finished after.
      delivery({ issueId: 'alert-late', updatedAt: '2026-11-28T00:00:01.000Z' }),
      delivery({ issueId: 'weekly-gone' }),
    ];
    const counted = await countLeaving(leaver(), {
      deliveries: { listForSubscriber: async (id) => (id === 'r1' ? deliveries : []) },
      issues,
    });
    expect(Object.fromEntries(issues.counts)).toEqual({
      'weekly-1': 1,
      'alert-1': 1,
      'weekly-complained': 1,
    });
    expect(counted).toBe(3);
  });

  it('counts every mail they got when no consent is recorded (a reader from before consent was kept)', async () => {
    const issues = counters();
    const { consent: _, ...withoutConsent } = leaver();
    await countLeaving(withoutConsent as Subscriber, {
      deliveries: {
        listForSubscriber: async () => [
          delivery({ issueId: 'weekly-old', updatedAt: '2026-01-20T06:00:00.000Z' }),
        ],
      },
      issues,
    });
    expect(Object.fromEntries(issues.counts)).toEqual({ 'weekly-old': 1 });
  });

  it('leaves the unsubscribe standing and reports the error when the counters cannot be written', async () => {
    const stored = leaver();
    const written: string[] = [];
    const result = await unsubscribe(
      { subscriber: { ...stored, status: 'active' }, current: true, spent: false } as LinkedReader,
      'one-click',
      {
        subscribers: {
          markUnsubscribed: async (id: string) => {
            written.push(id);
            return stored;
          },
        },
        deliveries: { listForSubscriber: async () => [delivery({})] },
        issues: {
          addUnsubscribedSince: async () => {
            throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
          },
        },
        clock,
        unsubscribeNotice: 'never',
      } as unknown as ReaderDeps,
    );
    expect(written).toEqual(['r1']);
    expect(result).toMatchObject({ changed: true, subscriber: { status: 'unsubscribed' } });
    expect((result.countError as Error).message).toBe('throttled');
  });
});

describe('the sending quota in local mode', () => {
  it('counts the outbox’s mails written since the start of today in the network’s zone', async () => {
    const outbox = mkdtempSync(join(tmpdir(), 'nashra-outbox-'));
    const written = (name: string, at: string) => {
      writeFileSync(join(outbox, name), 'mail');
      utimesSync(join(outbox, name), new Date(at), new Date(at));
    };
    // Start of 1 December in Baghdad: 2026-11-30T21:00Z.
    written('a.eml', '2026-11-30T21:00:00.000Z');
    written('b.eml', '2026-12-01T08:59:00.000Z');
    written('c.eml', '2026-11-30T20:59:00.000Z');
    written('notes.txt', '2026-12-01T08:00:00.000Z');
    const quota = outboxSendQuota(outbox, 'Asia/Baghdad');
    expect(await quota.used(now)).toEqual({ sent: 2, period: 'today' });
    // The same quota on the next page load: a mail sent since is counted, one removed is not.
    written('d.eml', '2026-12-01T08:59:30.000Z');
    rmSync(join(outbox, 'a.eml'));
    expect(await quota.used(now)).toEqual({ sent: 2, period: 'today' });
    written('e.eml', '2026-12-01T08:59:40.000Z');
    expect(await quota.used(now)).toEqual({ sent: 3, period: 'today' });
    expect(await outboxSendQuota(join(outbox, 'none'), 'Asia/Baghdad').used(now)).toEqual({
      sent: 0,
      period: 'today',
    });
  });
});

describe("an editor's note in a mail", () => {
  it('escapes what the editor typed, braces included, and links only its addresses', () => {
    const [view] = noteViews({ en: '<b>{{unsubscribeUrl}}</b> see https://icssi.example/a"b\nline two' }, [
      'en',
    ]);
    expect(view?.paragraphs.map((paragraph) => paragraph.value)).toEqual([
      '&lt;b&gt;&#123;&#123;unsubscribeUrl&#125;&#125;&lt;/b&gt; see <a href="https://icssi.example/a" dir="ltr">https://icssi.example/a</a>&quot;b<br>line two',
    ]);
    expect(noteViews({ en: 'only English' }, ['ar'])).toEqual([]);
  });
});
