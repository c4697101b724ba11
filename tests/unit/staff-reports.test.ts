import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { outcomeOf, unsubscribedSince } from '../../functions/core/issue-report';
import type { ArticleRepo, Delivery } from '../../functions/core/ports';
import { findArticles } from '../../functions/core/staff-articles';
import type { Subscriber } from '../../functions/core/subscriber';
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

describe('readers who unsubscribed since an issue', () => {
  it('counts the issue’s readers who left after their mail of it was sent', async () => {
    const left = (id: string, at: string, staff = false): Subscriber =>
      ({
        id,
        email: `${id}@example.org`,
        status: 'unsubscribed',
        updatedAt: at,
        ...(staff ? { unsubscribed: { at, method: 'staff', reason: 'asked' } } : {}),
      }) as Subscriber;
    const readers = [
      left('r1', '2026-11-27T00:00:00.000Z'),
      left('r2', '2026-11-26T06:00:00.000Z'),
      left('r3', '2026-11-28T00:00:00.000Z', true),
      { id: 'r4', status: 'active', updatedAt: '2026-11-28T00:00:00.000Z' } as Subscriber,
      left('r5', '2026-10-01T00:00:00.000Z'),
    ];
    const deliveries: Record<string, Delivery[]> = {
      r1: [delivery({ subscriberId: 'r1' }), delivery({ issueId: 'weekly-0', subscriberId: 'r1' })],
      r2: [delivery({ subscriberId: 'r2' })],
      r3: [
        delivery({ subscriberId: 'r3', status: 'skipped' }),
        delivery({ issueId: 'alert-1', subscriberId: 'r3' }),
      ],
      r5: [delivery({ subscriberId: 'r5' })],
    };
    const counts = await unsubscribedSince(
      [
        { id: 'weekly-1', createdAt: '2026-11-26T06:00:00.000Z' },
        { id: 'alert-1', createdAt: '2026-11-25T00:00:00.000Z' },
      ],
      {
        subscribers: {
          getMany: async () => new Map(),
          scan: async () => ({ subscribers: readers }),
        },
        deliveries: {
          pageForIssue: async () => ({ deliveries: [] }),
          listForSubscriber: async (id) => deliveries[id] ?? [],
        },
      },
    );
    expect(Object.fromEntries(counts)).toEqual({ 'weekly-1': 1, 'alert-1': 1 });
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
    expect(await outboxSendQuota(outbox, 'Asia/Baghdad').used(now)).toEqual({ sent: 2, period: 'today' });
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
