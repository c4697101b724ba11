import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { launchChromium } from '../support/chromium';
import { type OutboxMail, openTestStack, readOutbox, type TestStack } from '../support/test-stack';

let browser: Browser;
let context: BrowserContext;
let t: TestStack;
let services: ReaderParts;
let base: string;
let server: ReturnType<typeof serve>;
let fetchApp: (request: Request, env: unknown) => Response | Promise<Response>;

beforeAll(async () => {
  // The server first, on a free port, so that the links in mails point at it.
  server = serve({ fetch: (request, env) => fetchApp(request, env), hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await openTestStack({ NASHRA_BASE_URL: base });
  services = readerParts(t.runtime);
  fetchApp = createApp(t.runtime).fetch;
  browser = await launchChromium();
  // The pages carry no script (and their CSP allows none): axe is injected past the CSP.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 375, height: 800 } });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t?.close();
});

/** Axe's serious and critical findings on the page, plus the page's own promises: no script, language and direction. */
async function check(page: Page, lang: 'ar' | 'en') {
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
  expect(await page.locator('script').count()).toBe(0);
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
}

async function mailsTo(address: string): Promise<OutboxMail[]> {
  return (await readOutbox(t.stack)).filter((mail) => mail.to === address);
}

function linkIn(mail: OutboxMail | undefined, route: string): string {
  const match = new RegExp(`${base}/${route}/[A-Za-z0-9_.-]+`).exec(mail?.text ?? '');
  if (!match) throw new Error(`no ${route} link in the mail`);
  return match[0];
}

describe.each([
  { lang: 'ar', languages: 'ar,en', accepted: 'تفقّد بريدك', confirmed: 'تم تأكيد اشتراكك' },
  { lang: 'en', languages: 'en', accepted: 'Check your inbox', confirmed: 'Your subscription is confirmed' },
] as const)('a reader in $lang, in Chromium', ({ lang, languages, accepted, confirmed }) => {
  it('subscribes, confirms from the mail, changes preferences, unsubscribes with one click and comes back', async () => {
    const address = `browser-${lang}-${Date.now()}@example.org`;
    const page = await context.newPage();

    await page.goto(`${base}/subscribe?lang=${lang}`);
    await check(page, lang);
    await page.getByRole('textbox').fill(address);
    await page.locator(`input[name=languages][value="${languages}"]`).check();
    await page.locator('input[name=cadence][value=daily]').check();
    await page.locator('input[name=topics][value=water]').check();
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(accepted);
    await check(page, lang);
    expect((await services.subscribers.findByEmail(address))?.status).toBe('pending');

    const [confirmation] = await mailsTo(address);
    await page.goto(linkIn(confirmation, 'confirm'));
    await check(page, lang);
    expect((await services.subscribers.findByEmail(address))?.status).toBe('pending');
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(confirmed);
    await check(page, lang);
    expect((await services.subscribers.findByEmail(address))?.status).toBe('active');

    await page.locator('main a').click();
    await check(page, lang);
    expect(await page.locator(`input[name=languages][value="${languages}"]`).isChecked()).toBe(true);
    await page.locator('input[name=languages][value="en,ar"]').check();
    await page.locator('input[name=cadence][value=weekly]').check();
    await page.locator('input[name=paused]').check();
    await page.locator('button[type=submit]').click();
    // Saved, and said in the reader's new first language.
    await expect.poll(() => page.locator('[role=status]').textContent()).toBe('Your preferences are saved.');
    expect(await services.subscribers.findByEmail(address)).toMatchObject({
      languages: ['en', 'ar'],
      cadence: 'weekly',
      topics: ['water'],
      paused: true,
    });
    await check(page, 'en');

    const welcome = (await mailsTo(address)).find((mail) => mail.headers.has('list-unsubscribe'));
    expect(welcome?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    await page.goto(linkIn(welcome, 'unsubscribe'));
    await check(page, 'en');
    expect((await services.subscribers.findByEmail(address))?.status).toBe('active');
    await page.locator('button[type=submit]').click();
    await expect
      .poll(async () => (await services.subscribers.findByEmail(address))?.status)
      .toBe('unsubscribed');
    await check(page, 'en');
    await page.locator('button[type=submit]').click();
    await expect.poll(async () => (await services.subscribers.findByEmail(address))?.status).toBe('active');
    await check(page, 'en');
    await page.close();
  });
});

describe('pages a reader may land on, in Chromium', () => {
  it('the 404 page of a forged link speaks both languages and passes axe', async () => {
    const page = await context.newPage();
    const response = await page.goto(`${base}/unsubscribe/forged.token`);
    expect(response?.status()).toBe(404);
    await check(page, 'en');
    expect(await page.locator('[lang=ar]').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('the one-click POST of a mail client answers 200 without a redirect', async () => {
    const address = `one-click-${Date.now()}@example.org`;
    await fetch(`${base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, languages: 'ar', cadence: 'weekly' }),
    });
    const page = await context.newPage();
    await page.goto(linkIn((await mailsTo(address))[0], 'confirm'));
    await page.locator('button[type=submit]').click();
    await expect.poll(async () => (await services.subscribers.findByEmail(address))?.status).toBe('active');
    const welcome = (await mailsTo(address)).find((mail) => mail.headers.has('list-unsubscribe'));
    const url = /<(http[^>]+)>/.exec(welcome?.headers.get('list-unsubscribe') ?? '')?.[1] ?? '';
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect((await services.subscribers.findByEmail(address))?.status).toBe('unsubscribed');
    await page.setContent(await response.text());
    await check(page, 'ar');
    await page.close();
  });
});
