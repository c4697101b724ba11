import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueSchema } from '../../functions/core/issue';
import type { ArticleRepo } from '../../functions/core/ports';
import { previewRoutes } from '../../functions/http/preview-routes';
import { mjmlMailRenderer } from '../../functions/runtime/rendering';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime';
import { statusForError } from '../../functions/shared/http-errors';
import {
  aegisAr,
  basraAr,
  basraEn,
  journalistsEn,
  waterEn,
  weekOfArticles,
} from '../fixtures/render-articles';
import { suiteConfig, suiteRuntime } from '../support/local-aws';
import { textDirectionProblems } from '../support/mail-dom';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../bin/nashra.js');
const config = suiteConfig();
let runtime: Runtime;
let articles: ArticleRepo;

beforeAll(async () => {
  runtime = await suiteRuntime(config);
  articles = runtime.repos.articles;
  for (const article of weekOfArticles) await articles.save(article);
});
afterAll(() => runtime.close());

async function nashra(args: string[]) {
  const env = {
    ...process.env,
    NASHRA_HOME: config.home,
    NASHRA_TABLE_PREFIX: config.tablePrefix,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
    AWS_ENDPOINT_URL_SES: inject('sesUrl'),
  };
  return run('node', [cli, ...args], { env }).then(
    (result) => ({ ...result, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => error,
  );
}

describe('nashra digest preview and alert preview', () => {
  it('writes one variant of the digest of a window, with preview links, and says its size', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nashra-preview-')), 'digest.html');
    const text = out.replace(/html$/, 'txt');
    // Calendar dates in the network's zone: --until 2014-01-07 includes the whole of the 7th in Baghdad.
    const result = await nashra([
      'digest',
      'preview',
      '--since',
      '2014-01-01',
      '--until',
      '2014-01-07',
      '--lang',
      'ar+en',
      '--out',
      out,
      '--text',
      text,
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      'subject    نشرة المبادرة: 4 مقالات، 1–7 كانون الثاني 2014 | ICSSI bulletin: 4 articles',
    );
    expect(result.stdout).toMatch(/html {7}.*digest\.html \(\d+\.\d KB; Gmail clips above 102 KB\)/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<html lang="ar" dir="rtl"');
    expect(html).toContain(basraAr.url);
    expect(html).toContain(`href="${config.baseUrl}/preview#unsubscribeUrl"`);
    // A preview has no archive copy: its view-in-browser link opens the preview file itself.
    expect(html).toContain(`href="${pathToFileURL(out).href}"`);
    expect(html).not.toContain('/issues/preview/');
    expect(textDirectionProblems(html)).toEqual([]);
    expect(readFileSync(text, 'utf8')).toContain(`<${config.baseUrl}/preview#unsubscribeUrl>`);
  });

  it('writes the alert of an article with its translation beside it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nashra-preview-')), 'alert.html');
    const result = await nashra(['alert', 'preview', basraEn.id, '--lang', 'en+ar', '--out', out]);
    expect(result.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.indexOf(basraEn.url)).toBeLessThan(html.indexOf(basraAr.url));
    expect(html).toContain('<html lang="en" dir="ltr"');
  });

  const out = join(tmpdir(), 'never-written.html');
  it.each<[string, string[], RegExp]>([
    [
      'an unknown variant',
      ['digest', 'preview', '--lang', 'fr', '--out', out],
      /--lang must be one of ar, en, ar\+en, en\+ar, not fr/,
    ],
    [
      'a date that is not one',
      ['digest', 'preview', '--since', 'yesterday', '--lang', 'ar', '--out', out],
      /--since "yesterday" is not a date or time: give a date \(2014-01-31\), a local time/,
    ],
    [
      'an empty window',
      [
        'digest',
        'preview',
        '--since',
        '2014-01-08T00:00:00Z',
        '--until',
        '2014-01-01T00:00:00Z',
        '--lang',
        'ar',
        '--out',
        out,
      ],
      /the window ends at 2014-01-01 03:00 Baghdad, before it starts \(2014-01-08 03:00 Baghdad\)/,
    ],
    [
      'a window without articles',
      [
        'digest',
        'preview',
        '--since',
        '2020-01-01T00:00:00Z',
        '--until',
        '2020-01-02T00:00:00Z',
        '--lang',
        'ar',
        '--out',
        out,
      ],
      /no article published from 2020-01-01 03:00 Baghdad to 2020-01-02 03:00 Baghdad/,
    ],
    [
      'an unknown schedule',
      ['digest', 'preview', 'weekly', '--lang', 'ar', '--out', out],
      /no schedule named "weekly"/,
    ],
    ['no --out', ['digest', 'preview', '--lang', 'ar'], /required option '--out <file.html>'/],
    [
      'an unknown article',
      ['alert', 'preview', 'no-such-article', '--lang', 'ar', '--out', out],
      /no article with id no-such-article/,
    ],
    [
      'an article not in the variant',
      ['alert', 'preview', 'en-water-statement-2014', '--lang', 'ar', '--out', out],
      /has no version in ar/,
    ],
  ])('refuses %s with a clear message', async (_, args, message) => {
    const result = await nashra(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

describe('the preview page of local mode', () => {
  /** The app as `nashra dev` serves it, on the morning of 8 January 2014 (Baghdad). */
  const now = new Date('2014-01-08T06:00:00.000Z');
  function app(mode: 'local' | 'aws') {
    const inMode = createRuntime(
      'local',
      { ...config, mode },
      { renderer: mjmlMailRenderer, clock: { now: () => now } },
    );
    const routes = new Hono().route('/', previewRoutes(inMode));
    routes.onError((error, c) => c.text(error.message, statusForError(error)));
    return routes;
  }

  beforeAll(async () => {
    // A weekly schedule on security whose last digest covered up to 12:30 on the 3rd (Baghdad) and
    // carried the Aegis profile: its next digest is the English Basra article alone.
    const at = '2014-01-03T09:30:00.000Z';
    await runtime.repos.schedules.create({
      name: 'weekly',
      cron: '0 8 * * 5',
      timeZone: 'Asia/Baghdad',
      cadence: 'weekly',
      topics: ['security'],
      enabled: true,
      lastWindowEnd: at,
      createdAt: at,
      updatedAt: at,
    });
    await runtime.repos.issues.createOnce(
      issueSchema.parse({
        id: 'weekly-20140103T093000Z',
        kind: 'digest',
        schedule: 'weekly',
        articleIds: [aegisAr.id],
        windowStart: '2013-12-27T09:30:00.000Z',
        windowEnd: at,
        status: 'sent',
        createdAt: at,
        updatedAt: at,
      }),
    );
  });

  it('lists each schedule’s next digest, the other mails × variant and every page, and each link answers', async () => {
    const response = await app('local').request('/preview');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(
      'weekly<br><span class="meta">2014-01-03 12:30 Baghdad → 2014-01-08 09:00 Baghdad: 1 new article (1 sent before, left out)</span>',
    );
    const links = [...page.matchAll(/href="(\/preview\/[^"]+)"/g)].map((match) =>
      (match[1] as string).replaceAll('&amp;', '&'),
    );
    for (const variant of ['ar', 'en', 'ar+en', 'en+ar']) {
      expect(links).toContain(`/preview/schedule/weekly/${variant}`);
      for (const kind of ['alert', 'confirm', 'welcome', 'unsubscribed'])
        expect(links).toContain(`/preview/mail/${kind}/${variant}`);
    }
    expect(links).not.toContain('/preview/mail/digest/ar');
    expect(links).toContain('/preview/page/preferences/ar');
    for (const link of links) {
      const answer = await app('local').request(link);
      expect(answer.status, link).toBe(200);
      if (!link.includes('format=text')) expect(textDirectionProblems(await answer.text()), link).toEqual([]);
    }
  });

  it('previews the next digest of a schedule — its real window and articles — whose view-in-browser link answers with it', async () => {
    const response = await app('local').request('/preview/schedule/weekly/en+ar');
    expect(response.status).toBe(200);
    const mail = await response.text();
    expect(mail).toContain(basraEn.url);
    for (const left of [basraAr, aegisAr, waterEn, journalistsEn]) expect(mail).not.toContain(left.url);
    expect(mail).toMatch(/3\s–\s8 January 2014/);

    const viewInBrowser = `${config.baseUrl}/preview/schedule/weekly/en+ar`;
    const hrefs = [...mail.matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    // In the masthead and the footer, in each language.
    expect(hrefs.filter((href) => href === viewInBrowser)).toHaveLength(4);
    expect(hrefs.some((href) => href?.includes('/issues/'))).toBe(false);
    const followed = await app('local').request(new URL(viewInBrowser).pathname);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toBe(mail);

    const text = await (await app('local').request('/preview/schedule/weekly/en+ar?format=text')).text();
    expect(text).toContain(basraEn.url);

    // Its only new article is English: the Arabic digest would carry nothing, and the page says so.
    const arabic = await app('local').request('/preview/schedule/weekly/ar');
    expect(arabic.status).toBe(200);
    expect(await arabic.text()).toContain('no article of this window is in ar');
  });

  it('previews the alert of the newest article with a view-in-browser link to itself', async () => {
    const mail = await (await app('local').request('/preview/mail/alert/en')).text();
    expect(mail).toContain(`href="${config.baseUrl}/preview/mail/alert/en"`);
    expect(mail).not.toContain('/issues/preview/');
  });

  it('does not exist on AWS', async () => {
    expect((await app('aws').request('/preview')).status).toBe(404);
    expect((await app('aws').request('/preview/mail/digest/ar')).status).toBe(404);
  });

  it('answers 404 for an unknown template, schedule or variant', async () => {
    expect((await app('local').request('/preview/mail/alert/fr')).status).toBe(404);
    expect((await app('local').request('/preview/mail/digest/ar')).status).toBe(404);
    expect((await app('local').request('/preview/schedule/monthly/ar')).status).toBe(404);
    expect((await app('local').request('/preview/schedule/weekly/fr')).status).toBe(404);
    expect((await app('local').request('/preview/schedule/__proto__/ar')).status).toBe(404);
    expect((await app('local').request('/preview/page/nope/ar')).status).toBe(404);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__'])(
    'answers 404 for a page named like a property every object has (%s), never a 500',
    async (name) => {
      for (const path of [
        `/preview/page/${name}/en`,
        `/preview/mail/${name}/en`,
        `/preview/mail/digest/${name}`,
      ])
        expect((await app('local').request(path)).status, path).toBe(404);
    },
  );
});
