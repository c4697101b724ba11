import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ArticleRepo } from '../../functions/core/ports';
import { previewRoutes } from '../../functions/http/preview-routes';
import { mjmlMailRenderer } from '../../functions/runtime/rendering';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime';
import { statusForError } from '../../functions/shared/http-errors';
import { basraAr, basraEn, weekOfArticles } from '../fixtures/render-articles';
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
    const result = await nashra([
      'digest',
      'preview',
      '--since',
      '2014-01-01T00:00:00+03:00',
      '--until',
      '2014-01-08T00:00:00+03:00',
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
      'a date that is not ISO',
      ['digest', 'preview', '--since', 'yesterday', '--lang', 'ar', '--out', out],
      /--since must be an ISO 8601 instant/,
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
      /--since \(2014-01-08T00:00:00.000Z\) must be before --until/,
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
      /no article published in/,
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
  function app(mode: 'local' | 'aws') {
    const inMode = createRuntime('local', { ...config, mode }, { renderer: mjmlMailRenderer });
    const routes = new Hono().route('/', previewRoutes(inMode));
    routes.onError((error, c) => c.text(error.message, statusForError(error)));
    return routes;
  }

  it('lists every template × variant and every page, and each link answers', async () => {
    const response = await app('local').request('/preview');
    expect(response.status).toBe(200);
    const page = await response.text();
    const links = [...page.matchAll(/href="(\/preview\/[^"]+)"/g)].map((match) =>
      (match[1] as string).replaceAll('&amp;', '&'),
    );
    for (const kind of ['digest', 'alert', 'confirm', 'welcome', 'unsubscribed']) {
      for (const variant of ['ar', 'en', 'ar+en', 'en+ar'])
        expect(links).toContain(`/preview/mail/${kind}/${variant}`);
    }
    expect(links).toContain('/preview/page/preferences/ar');
    for (const link of links) {
      const answer = await app('local').request(link);
      expect(answer.status, link).toBe(200);
      if (!link.includes('format=text')) expect(textDirectionProblems(await answer.text()), link).toEqual([]);
    }
  });

  it('does not exist on AWS', async () => {
    expect((await app('aws').request('/preview')).status).toBe(404);
    expect((await app('aws').request('/preview/mail/digest/ar')).status).toBe(404);
  });

  it('answers 404 for an unknown template or variant', async () => {
    expect((await app('local').request('/preview/mail/digest/fr')).status).toBe(404);
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
