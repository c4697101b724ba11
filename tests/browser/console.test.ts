import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleApp } from '../../functions/console/app';
import { consoleSections } from '../../functions/console/sections';
import { addStaffAccount } from '../../functions/core/staff/accounts';
import { createApp } from '../../functions/http/app';
import { staffParts } from '../../functions/runtime/staff';
import { launchChromium } from '../support/chromium';
import { openTestStack, type TestStack } from '../support/test-stack';

const screenshots = join(import.meta.dirname, 'screenshots');

let browser: Browser;
let t: TestStack;
let base: string;
let server: ReturnType<typeof serve>;
let fetchApp: (request: Request, env: unknown) => Response | Promise<Response>;
const email = 'browser-staff@nashra.example';
const password = 'Browser-staff-2026!';

beforeAll(async () => {
  server = serve({ fetch: (request, env) => fetchApp(request, env), hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await openTestStack({ NASHRA_BASE_URL: base }, { staff: true });
  // As `nashra dev` serves it: the console in front of the reader pages, on one server.
  fetchApp = createApp(t.runtime, {
    console: createConsoleApp(t.runtime, { sections: consoleSections() }),
  }).fetch;
  await addStaffAccount(staffParts(t.runtime), { kind: 'cli', name: 'browser test' }, { email, password });
  browser = await launchChromium();
  mkdirSync(screenshots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t?.close();
});

/** Axe's serious and critical findings, and the page's promises: no script, its language and direction, no sideways scroll. */
async function check(page: Page, lang: 'ar' | 'en', width: number) {
  const axe = await new AxeBuilder({ page }).analyze();
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
  // Seven axe runs and four screenshots on a shared machine: minutes, not seconds.
  it('signs in through the form, reads the audit log, switches language and signs out', {
    timeout: 240_000,
  }, async () => {
    const second = first === 'ar' ? 'en' : 'ar';
    const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
    const page = await context.newPage();
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
