import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSections } from '../../functions/console/sections';
import {
  type BrowserConsole,
  openBrowserConsole,
  saveWaterStatements,
  screenshots,
  weekArticle,
} from '../support/browser-console';
import { signInToConsole } from '../support/console-harness';
import { seedSubscribers } from '../support/seed';
import { reader, type TestStack } from '../support/test-stack';

let browser: Browser;
let t: TestStack;
let base: string;
let opened: BrowserConsole | undefined;
const email = 'browser-staff@nashra.example';
const password = 'Browser-staff-2026!';

beforeAll(async () => {
  opened = await openBrowserConsole([{ email, password }]);
  ({ t, base, browser } = opened);
  await seedTheWeek();
});

afterAll(() => opened?.close());

const sections = consoleSections();

/** Something for every section to show: articles in both languages, readers, a schedule with a note and an issue. */
async function seedTheWeek() {
  await saveWaterStatements(t);
  await seedSubscribers(
    t.db,
    t.stack.config.tables.subscribers,
    Array.from({ length: 6 }, (_, index) =>
      reader({ languages: index % 2 ? ['ar', 'en'] : ['en'], urgentAlerts: false }),
    ),
  );
  // An editor's week, through the console as staff do it.
  const editor = await signInToConsole(t.runtime, sections);
  const done = async (answer: Promise<Response>) => expect((await answer).status).toBe(303);
  await done(
    editor.post('/schedules', {
      name: 'weekly',
      every: 'week',
      days: '4',
      time: '09:00',
      timeZone: 'Asia/Baghdad',
      cadence: 'weekly',
    }),
  );
  await done(editor.post('/digest/weekly/note', { ar: 'كلمة المحرر', en: 'A word from the editor' }));
  await done(editor.post('/digest/weekly/send'));
  await t.stack.triggers.idle();
  // News since that issue, for the next one's previews.
  await t.services.articles.save(weekArticle('basra-en', 'en', 'basra-ar'));
  await t.services.articles.save(weekArticle('basra-ar', 'ar', 'basra-en'));
  await t.stack.triggers.idle();
}

/** Axe's serious and critical findings, and the page's promises: no script, its language and direction, no sideways scroll. */
async function check(page: Page, lang: 'ar' | 'en', width: number) {
  // The digest's preview frames run sandboxed without script, so axe cannot run inside them: the mails
  // themselves are checked with axe in templates.test.ts.
  const axe = await new AxeBuilder({ page }).exclude('iframe').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
  expect(await page.locator('script').count()).toBe(0);
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
}

/** Moves the focus with Tab (as a keyboard user does) until it is on an element matching `selector`. */
async function tabTo(page: Page, selector: string) {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    if ((await page.locator(`${selector}:focus`).count()) > 0) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

const words = {
  ar: { signIn: 'تسجيل الدخول', overview: 'نظرة عامة', audit: 'سجل الأعمال', signedOut: 'سُجّل خروجك.' },
  en: { signIn: 'Sign in', overview: 'Overview', audit: 'Audit log', signedOut: 'You are signed out.' },
} as const;

describe.each([
  { width: 375, first: 'ar' },
  { width: 1280, first: 'ar' },
  { width: 375, first: 'en' },
  { width: 1280, first: 'en' },
] as const)('a staff member at $width px, starting in $first, keyboard only', ({ width, first }) => {
  // Seventeen axe runs and five screenshots on a shared machine: minutes, not seconds.
  it('signs in through the form, visits every section, reads the audit log, switches language and signs out', {
    timeout: 480_000,
  }, async () => {
    const second = first === 'ar' ? 'en' : 'ar';
    const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
    const page = await context.newPage();
    // What Chromium refused to load or frame under the console's policies, as it reports it.
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /refused/i.test(message.text())) refused.push(message.text());
    });
    const shot = (name: string) =>
      page.screenshot({ path: join(screenshots, `console-${name}-${first}-${width}.png`), fullPage: true });

    await page.goto(`${base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await check(page, 'ar', width);
    if (first === 'en') {
      await tabTo(page, 'a[hreflang=en]');
      await page.keyboard.press('Enter');
      await page.waitForURL(/lang=en/);
    }
    await check(page, first, width);
    expect(await page.locator('h1').textContent()).toBe(words[first].signIn);
    await shot('sign-in');

    // The address field has the focus when the page opens.
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/overview`);
    await check(page, first, width);
    expect(await page.locator('h1').textContent()).toBe(words[first].overview);

    // Every section from the navigation, in this language, with the keyboard.
    const nav = page.locator('nav a');
    expect(await nav.allTextContents()).toEqual(sections.map((section) => section.nav[first]));
    // The overview is the page already open; the audit log comes last, below.
    for (const section of sections.filter((s) => s.path !== '/overview' && s.path !== '/audit')) {
      await tabTo(page, `nav a[href="/console${section.path}"]`);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/console${section.path}`);
      await check(page, first, width);
      expect(await page.locator('h1').textContent()).toBe(section.nav[first]);
      expect(await page.getAttribute('nav a[aria-current=page]', 'href')).toBe(`/console${section.path}`);
    }
    // And the pages a section leads to: a schedule's form, the digest and its confirmation, an import.
    for (const path of ['/schedules/new', '/digest/weekly', '/digest/weekly/send', '/readers/import']) {
      await page.goto(`${base}/console${path}`);
      await check(page, first, width);
      if (path !== '/digest/weekly') continue;
      // The previews load in their sandboxed frames (the console's policy lets its own origin frame them).
      const previews = page.frames().filter((frame) => frame.url().includes('/digest/weekly/preview/'));
      expect(previews.length).toBeGreaterThan(0);
      // A frame the policy refused would hold Chromium's error page, not the preview's address.
      for (const preview of previews)
        expect(preview.url()).toMatch(new RegExp(`^${base}/console/digest/weekly/preview/`));
      await shot('digest');
      expect(refused).toEqual([]);
    }

    await tabTo(page, 'nav a[href="/console/audit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/audit`);
    await check(page, first, width);
    expect(await page.locator('h1').textContent()).toBe(words[first].audit);
    const row = page.locator('tbody tr', { hasText: 'staff.sign-in' }).first();
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(email);
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await shot('audit');

    await tabTo(page, `a[hreflang=${second}]`);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/audit\\?lang=${second}$`));
    await check(page, second, width);
    expect(await page.locator('h1').textContent()).toBe(words[second].audit);
    await shot('audit-switched');

    await tabTo(page, 'form[action="/console/sign-out"] button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/sign-in\?signed-out$/);
    await check(page, second, width);
    expect(await page.locator('.notice').textContent()).toBe(words[second].signedOut);
    await page.goto(`${base}/console/audit`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await context.close();
  });
});
