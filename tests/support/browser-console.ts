import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { createConsoleApp } from '../../functions/console/app';
import { consoleSections } from '../../functions/console/sections';
import type { Article } from '../../functions/core/article';
import { addStaffAccount } from '../../functions/core/staff/accounts';
import { createApp } from '../../functions/http/app';
import { staffParts } from '../../functions/runtime/staff';
import { launchChromium } from './chromium';
import { openTestStack, type TestStack } from './test-stack';

/** Where the browser tests leave their screenshots (tests/browser/screenshots, not committed). */
export const screenshots = join(import.meta.dirname, '..', 'browser', 'screenshots');

export interface BrowserConsole {
  t: TestStack;
  /** The server's address: the console at `${base}/console`, the reader pages beside it. */
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The console as `nashra dev` serves it — in front of the reader pages, on one server (a free loopback
 * port) — on a test stack with the staff's identity service, the given staff accounts, and Chromium.
 */
export async function openBrowserConsole(
  staff: Array<{ email: string; password: string }>,
): Promise<BrowserConsole> {
  let fetchApp: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  const server = serve({ fetch: (request, env) => fetchApp(request, env), hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  let t: TestStack | undefined;
  try {
    t = await openTestStack({ NASHRA_BASE_URL: base }, { staff: true });
    const runtime = t.runtime;
    fetchApp = createApp(runtime, {
      console: createConsoleApp(runtime, { sections: consoleSections() }),
    }).fetch;
    for (const account of staff)
      await addStaffAccount(staffParts(runtime), { kind: 'cli', name: 'browser test' }, account);
    const browser = await launchChromium();
    mkdirSync(screenshots, { recursive: true });
    const stack = t;
    return {
      t: stack,
      base,
      browser,
      close: async () => {
        await browser.close();
        await closeServer();
        await stack.close();
      },
    };
  } catch (error) {
    await closeServer();
    await t?.close();
    throw error;
  }
}

/** An article of this week about water in Basra (or `id`'s subject), in `lang`, paired with its translation. */
export function weekArticle(id: string, lang: 'ar' | 'en', translationId: string): Article {
  const at = new Date().toISOString();
  return {
    id,
    lang,
    title: lang === 'ar' ? 'بيان عن المياه في البصرة' : 'Statement on water in Basra',
    summary: lang === 'ar' ? 'ملخص البيان' : 'The statement in short',
    bodyHtml: '<p>…</p>',
    url: `https://${lang}.icssi.example/${id}`,
    topics: ['water'],
    publishedAt: at,
    urgent: false,
    firstSeenAt: at,
    updatedAt: at,
    translationId,
  };
}

/** The statement on water in both languages, stored and announced (each alert fanned out). */
export async function saveWaterStatements(t: TestStack): Promise<void> {
  await t.services.articles.save(weekArticle('water-en', 'en', 'water-ar'));
  await t.services.articles.save(weekArticle('water-ar', 'ar', 'water-en'));
  await t.stack.triggers.idle();
}
